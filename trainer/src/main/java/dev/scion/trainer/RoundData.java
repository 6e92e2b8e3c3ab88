package dev.scion.trainer;

import dev.scion.engine.LoadedModel;
import dev.scion.trainer.data.ChatMessage;
import dev.scion.trainer.data.Dataset;
import dev.scion.trainer.data.DatasetOptions;
import dev.scion.trainer.data.TrainingExample;
import dev.scion.trainer.replay.ReplayStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A round's examples: the new data split into training and held-out parts (deterministically by seed), and
 * what the replay store adds.
 */
record RoundData(List<TrainingExample> train, List<TrainingExample> heldOut) {

    /**
     * @param replayed examples drawn from earlier rounds and trained on again
     * @param retention earlier rounds' examples the gate checks for forgetting: preferably ones not replayed
     */
    record Replay(List<TrainingExample> examples, List<TrainingExample> retention) {}

    /** With an evaluation file all new data trains; otherwise {@code evalFraction} of it is held out. */
    static RoundData split(Dataset data, Dataset eval, TrainOptions o) {
        if (eval != null) {
            return new RoundData(data.examples(), eval.examples());
        }
        List<TrainingExample> shuffled = new ArrayList<>(data.examples());
        Collections.shuffle(shuffled, new Random(o.seed()));
        int heldOut = (int) Math.min(shuffled.size() - 1L, Math.round(shuffled.size() * o.evalFraction()));
        heldOut = Math.max(0, heldOut);
        List<TrainingExample> train = new ArrayList<>(shuffled.subList(heldOut, shuffled.size()));
        train.sort((a, b) -> Integer.compare(a.sourceLine(), b.sourceLine())); // file order; the loop shuffles
        return new RoundData(train, List.copyOf(shuffled.subList(0, heldOut)));
    }

    /** Draws {@code replayRatio} replayed examples per new one, and the retention set from the rest. */
    Replay replay(ReplayStore store, LoadedModel model, DatasetOptions options, TrainOptions o) throws IOException {
        int count = (int) Math.min(store.size(), Math.round(o.replayRatio() * train.size()));
        List<List<ChatMessage>> replayed = store.sample(count, o.seed());
        List<List<ChatMessage>> rest = new ArrayList<>(store.all());
        for (List<ChatMessage> r : replayed) {
            rest.remove(r);
        }
        List<List<ChatMessage>> retention = rest.isEmpty() ? new ArrayList<>(replayed) : rest;
        Collections.shuffle(retention, new Random(o.seed() + 1));
        retention = retention.subList(0, Math.min(retention.size(), TrainingRound.RETENTION_EXAMPLES));
        return new Replay(Dataset.encode(replayed, model, options), Dataset.encode(retention, model, options));
    }
}
