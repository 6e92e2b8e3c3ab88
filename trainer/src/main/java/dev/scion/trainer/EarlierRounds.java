package dev.scion.trainer;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.AdapterNotFoundException;
import dev.scion.engine.store.AdapterStore;
import dev.scion.trainer.data.ChatMessage;
import dev.scion.trainer.data.Dataset;
import dev.scion.trainer.data.DatasetOptions;
import dev.scion.trainer.data.TrainingExample;
import dev.scion.trainer.replay.RoundHistory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The rounds a version descends from, oldest first, with the data each was trained on: follow the version's
 * {@code from_version} back through the manifests, and read each round's data from the {@link RoundHistory}.
 * Versions without recorded data (uploaded, or trained before rounds kept their data) are left out.
 *
 * @param rounds oldest first
 */
record EarlierRounds(List<Round> rounds) {

    /** Most examples of one earlier round the gate scores: a bounded cost for large rounds. */
    static final int MAX_PER_ROUND = 1000;

    /**
     * Most earlier examples in all: with many rounds each is sampled down to its share (at least
     * {@link #MIN_PER_ROUND}), so a long history costs a bounded gate.
     */
    static final int MAX_EXAMPLES = 2000;

    static final int MIN_PER_ROUND = 20;

    /** One earlier round: the version it published and its examples. */
    record Round(int version, List<TrainingExample> examples) {}

    static final EarlierRounds NONE = new EarlierRounds(List.of());

    /** The lineage of {@code version} (itself included), 0 for a fresh adapter (no earlier rounds). */
    static EarlierRounds of(AdapterStore store, String adapter, int version, RoundHistory history, LoadedModel model,
            DatasetOptions options, long seed) throws IOException {
        List<Integer> versions = new ArrayList<>();
        List<List<List<ChatMessage>>> datas = new ArrayList<>();
        for (int v : lineage(store, adapter, version)) {
            List<List<ChatMessage>> data = history.read(v);
            if (data != null && !data.isEmpty()) {
                versions.add(v);
                datas.add(data);
            }
        }
        int perRound = versions.isEmpty() ? MAX_PER_ROUND
                : Math.min(MAX_PER_ROUND, Math.max(MIN_PER_ROUND, MAX_EXAMPLES / versions.size()));
        List<Round> rounds = new ArrayList<>();
        for (int i = 0; i < versions.size(); i++) {
            List<List<ChatMessage>> data = datas.get(i);
            if (data.size() > perRound) {
                data = new ArrayList<>(data);
                Collections.shuffle(data, new Random(seed + versions.get(i)));
                data = data.subList(0, perRound);
            }
            rounds.add(new Round(versions.get(i), Dataset.encode(data, model, options)));
        }
        return new EarlierRounds(List.copyOf(rounds));
    }

    /** {@code version} and the versions it was trained from, oldest first. */
    static List<Integer> lineage(AdapterStore store, String adapter, int version) throws IOException {
        List<Integer> chain = new ArrayList<>();
        int v = version;
        while (v > 0 && !chain.contains(v)) {
            chain.add(v);
            AdapterManifest m;
            try {
                m = store.resolve(adapter, v);
            } catch (AdapterNotFoundException e) {
                break; // deleted since: the chain ends there
            }
            v = m.metrics().get("training") instanceof Map<?, ?> t && t.get("from_version") instanceof Number n
                    ? n.intValue() : 0;
        }
        Collections.reverse(chain);
        return chain;
    }

    /** Every earlier example, round by round. */
    List<TrainingExample> all() {
        List<TrainingExample> all = new ArrayList<>();
        rounds.forEach(r -> all.addAll(r.examples()));
        return all;
    }

    boolean isEmpty() {
        return rounds.isEmpty();
    }
}
