package dev.scion.trainer;

import dev.scion.engine.LoadedModel;
import dev.scion.trainer.data.Dataset;
import dev.scion.trainer.data.DatasetOptions;
import dev.scion.trainer.data.TrainingExample;
import dev.scion.trainer.replay.ReplayStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A round's examples: the new data split into training and held-out parts (deterministically by seed), and
 * what the replay store adds.
 */
record RoundData(List<TrainingExample> train, List<TrainingExample> heldOut) {

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

    /** Every conversation of the replay store, as examples: what each epoch draws its replayed examples from. */
    static List<TrainingExample> replayPool(ReplayStore store, LoadedModel model, DatasetOptions options) {
        return Dataset.encode(store.all(), model, options);
    }

    /** Replayed examples per epoch: {@code replayRatio} per new one, at most the whole pool. */
    int replayPerEpoch(int poolSize, TrainOptions o) {
        return (int) Math.min(poolSize, Math.round(o.replayRatio() * train.size()));
    }
}
