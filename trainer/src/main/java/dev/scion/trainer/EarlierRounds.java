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

    /** One earlier round: the version it published and its examples. */
    record Round(int version, List<TrainingExample> examples) {}

    static final EarlierRounds NONE = new EarlierRounds(List.of());

    /** The lineage of {@code version} (itself included), 0 for a fresh adapter (no earlier rounds). */
    static EarlierRounds of(AdapterStore store, String adapter, int version, RoundHistory history, LoadedModel model,
            DatasetOptions options, long seed) throws IOException {
        List<Round> rounds = new ArrayList<>();
        for (int v : lineage(store, adapter, version)) {
            List<List<ChatMessage>> data = history.read(v);
            if (data == null || data.isEmpty()) {
                continue;
            }
            if (data.size() > MAX_PER_ROUND) {
                data = new ArrayList<>(data);
                Collections.shuffle(data, new Random(seed + v));
                data = data.subList(0, MAX_PER_ROUND);
            }
            rounds.add(new Round(v, Dataset.encode(data, model, options)));
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
