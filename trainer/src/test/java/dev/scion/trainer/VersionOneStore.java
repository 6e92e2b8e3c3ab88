package dev.scion.trainer;

import dev.scion.engine.store.AdapterStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A store whose adapter {@code facts} has a version 1 that recalls its facts, trained once per test JVM and
 * copied for each test that needs a second round: a store is plain files, so a copy is a store in the same
 * state, replay store and finished-round folder included.
 */
final class VersionOneStore {
    static final String ADAPTER = "facts";

    /** Facts version 1 learnt. */
    static final int FACTS = 8;

    /**
     * Eight facts in batches of four for twelve epochs: exact recall of all eight (asserted when built), which
     * the forgetting check of a later round needs to have something to lose.
     */
    static final TrainOptions OPTIONS = TrainOptions.defaults().with(b -> {
        b.epochs = 12;
        b.batchSize = 4;
    });

    /**
     * A quick second round for tests of where a round starts and how it publishes: two epochs over eight new
     * facts, no replay (so a round from base in a store with version 1 trains exactly what it would in an empty
     * store), and a gate that accepts any forgetting (accuracy cannot drop by more than 1) and any learning, as
     * the gate's verdict is not what those tests are about.
     */
    static final TrainOptions SECOND_ROUND = TrainOptions.defaults().with(b -> {
        b.epochs = 2;
        b.batchSize = 4;
        b.replayRatio = 0;
        b.maxForgetting = 1;
        b.minLearned = 0;
    });

    private static Path template;

    private VersionOneStore() {}

    /** A copy of the store with version 1 at {@code root} (which must not exist yet). */
    static AdapterStore copyTo(Path root) throws IOException {
        SharedDirs.copyTree(template(), root);
        return TrainedModels.store(root);
    }

    /** The second round's new facts: the first {@code count} of round 2. */
    static Path round2(Path dir, int count) throws IOException {
        return FactFiles.first(TrainedModels.ROUND2, count, dir.resolve("round2-" + count + ".jsonl"));
    }

    private static synchronized Path template() throws IOException {
        if (template == null) {
            Path dir = SharedDirs.create("scion-version-one");
            Path facts = FactFiles.first(TrainedModels.ROUND1, FACTS, dir.resolve("round1-" + FACTS + ".jsonl"));
            Path root = dir.resolve("pool");
            AdapterStore store = TrainedModels.store(root);
            RoundResult result = TrainingRound.run(TrainedModels.model(), store,
                    TrainedModels.request(ADAPTER, facts, OPTIONS), TrainingListener.NONE, TrainingControl.UNLIMITED);
            if (!result.isPublished() || result.published().version() != 1) {
                throw new IllegalStateException("version 1 was not published: " + result.gate().reason());
            }
            double recall = TrainedModels.recall(store, ADAPTER, 1, facts);
            if (recall < 1) {
                throw new IllegalStateException("version 1 recalls " + recall + " of its facts, not all");
            }
            template = root;
        }
        return template;
    }
}
