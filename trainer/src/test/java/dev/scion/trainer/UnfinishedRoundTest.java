package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.PublishSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unfinished round is continued only by the same round: a resume with other data or settings is refused and
 * leaves it as it was; a run without resume discards it and says so.
 */
class UnfinishedRoundTest {
    private static final String ADAPTER = InterruptedRounds.ADAPTER;

    @TempDir
    Path tmp;

    @Test
    void aResumeOfAnotherRoundIsRefusedAndARunWithoutResumeDiscardsTheUnfinishedOne() throws Exception {
        Path data = InterruptedRounds.data(tmp);
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        assertThrows(RoundCancelledException.class, () -> TrainingRound.run(TrainedModels.model(), store,
                InterruptedRounds.request(data, false), TrainingListener.NONE, new CancelAfter(3)));
        assertEquals(List.of(3), InterruptedRounds.checkpointSteps(store));
        Path record = TrainingRound.workspace(store, ADAPTER).resolve("current/round.json");
        byte[] recorded = Files.readAllBytes(record);

        Path otherData = FactFiles.first(TrainedModels.ROUND1, InterruptedRounds.FACTS - 1, tmp.resolve("other.jsonl"));
        assertResumeRefused(store, new RoundRequest(ADAPTER, otherData, null, InterruptedRounds.OPTIONS, true,
                PublishSource.TRAINER));
        assertResumeRefused(store, new RoundRequest(ADAPTER, data, null,
                InterruptedRounds.OPTIONS.with(b -> b.learningRate = 1e-3), true, PublishSource.TRAINER));
        assertEquals(List.of(3), InterruptedRounds.checkpointSteps(store), "a refused resume keeps the checkpoint");
        assertArrayEquals(recorded, Files.readAllBytes(record), "and the round's record");

        RecordingListener listener = new RecordingListener();
        RoundCancelledException restarted = assertThrows(RoundCancelledException.class,
                () -> TrainingRound.run(TrainedModels.model(), store, InterruptedRounds.request(data, false), listener,
                        new CancelAfter(0)));
        assertTrue(listener.saw("discarding the unfinished round of " + ADAPTER + " (not resuming)"),
                listener.transcript());
        assertEquals(0, restarted.step(), "the new round started from the beginning");
        assertEquals(List.of(), InterruptedRounds.checkpointSteps(store), "the old round's checkpoint went with it");
    }

    private static void assertResumeRefused(AdapterStore store, RoundRequest request) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingRound.run(
                TrainedModels.model(), store, request, TrainingListener.NONE, TrainingControl.UNLIMITED));
        for (String part : List.of("unfinished round of adapter " + ADAPTER, "other data, settings or starting version",
                "without --resume")) {
            assertTrue(e.getMessage().contains(part), "\"" + part + "\" in: " + e.getMessage());
        }
    }
}
