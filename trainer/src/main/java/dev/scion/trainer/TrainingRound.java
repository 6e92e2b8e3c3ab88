package dev.scion.trainer;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.store.AdapterStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One incremental round: data, starting adapter, training with replay and EWC, checkpoints, the evaluation gate
 * and the publish. The trainer's own files for an adapter (replay store, Fisher, checkpoints, loss curves) live
 * in {@code <store root>/.trainer/<adapter>/}, beside the adapter's versions.
 */
public final class TrainingRound {
    private TrainingRound() {}

    /** The folder of the trainer's files for one adapter of a store. */
    public static Path workspace(AdapterStore store, String adapter) {
        return store.root().resolve(".trainer").resolve(adapter);
    }

    /**
     * Runs the round on the calling thread. At most one round trains per JVM at a time (DJL allows one gradient
     * collector); a second caller waits.
     *
     * @throws RoundCancelledException when {@code control} cancelled it (the newest checkpoint stays)
     * @throws dev.scion.trainer.data.DatasetException bad data, naming file and line
     * @throws IllegalArgumentException bad settings or an unknown starting version
     */
    public static RoundResult run(LoadedModel model, AdapterStore store, RoundRequest request,
            TrainingListener listener, TrainingControl control) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }
}
