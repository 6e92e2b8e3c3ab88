package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.store.AdapterStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consecutive rounds of datasets built for this (trainer/src/test/resources/learning, not used to choose the
 * defaults alone) with the default settings: in two rounds each learns at least 95% of its new data and keeps at
 * least 95% of every earlier round's; a third keeps the gate's budget; the learning matrix the gates stored says so.
 */
class LearningRoundsTest {
    private static final Path LEARNING = Path.of("src/test/resources/learning");
    private static final double AIM = 0.95;

    @TempDir
    Path tmp;

    @Test
    void threeShareGptRoundsWithASystemPromptLearnAndKeepAndReportTheirMatrix() throws Exception {
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        runRounds(store, "archive", LEARNING.resolve("sharegpt-system"), 3);

        LearningMatrix m = LearningMatrix.of(store, "archive", 3);
        assertEquals(List.of(1, 2, 3), m.versions());
        assertAim(LearningMatrix.of(store, "archive", 2));
        // The third round: every round's data learned, and of the 20 earlier examples at most 5% (one) lost, the
        // gate's budget. Per round that one can be a tenth of a 10-example round (measured: 9/10 of round 2).
        for (int i = 0; i < 3; i++) {
            assertTrue(m.accuracy(i, i) >= AIM, "round " + (i + 1) + " learned its data\n" + m.table());
        }
        assertTrue(m.exact()[2][0] + m.exact()[2][1] >= 19, "version 3 kept 19 of 20 earlier examples\n" + m.table());
        // The summary figures, recomputed here from the matrix by their definitions.
        double bwt = ((m.accuracy(2, 0) - m.accuracy(0, 0)) + (m.accuracy(2, 1) - m.accuracy(1, 1))) / 2;
        assertEquals(bwt, m.backwardTransfer(), 1e-12);
        double forgetting = ((Math.max(m.accuracy(0, 0), m.accuracy(1, 0)) - m.accuracy(2, 0))
                + (m.accuracy(1, 1) - m.accuracy(2, 1))) / 2;
        assertEquals(forgetting, m.averageForgetting(), 1e-12);
        assertTrue(m.table().contains("backward transfer"), m.table());

        LearningMatrix second = LearningMatrix.of(store, "archive", 2);
        assertEquals(List.of(1, 2), second.versions(), "a version's report covers its own lineage");
    }

    @Test
    void twoChineseRoundsLearnAndKeep() throws Exception {
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        runRounds(store, "zh", LEARNING.resolve("chinese-qa"), 2);
        assertAim(LearningMatrix.of(store, "zh", 2));
    }

    private static void runRounds(AdapterStore store, String adapter, Path dataset, int rounds) throws Exception {
        for (int i = 1; i <= rounds; i++) {
            RoundResult r = TrainingRound.run(TrainedModels.model(), store, TrainedModels.request(adapter,
                    dataset.resolve("round" + i + ".jsonl"), TrainOptions.defaults()), TrainingListener.NONE,
                    TrainingControl.UNLIMITED);
            assertTrue(r.isPublished(), dataset + " round " + i + ": " + r.gate().reason());
            assertEquals(i, r.published().version());
        }
    }

    /** Every round learned its data and every later version kept every earlier round's. */
    private static void assertAim(LearningMatrix m) {
        for (int i = 0; i < m.rounds(); i++) {
            for (int j = 0; j <= i; j++) {
                assertTrue(m.accuracy(i, j) >= AIM, "version " + m.versions().get(i) + " on round "
                        + m.versions().get(j) + "'s data: " + m.accuracy(i, j) + "\n" + m.table());
            }
        }
    }
}
