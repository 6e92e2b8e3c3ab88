package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.store.AdapterNotFoundException;
import dev.scion.engine.store.AdapterStore;
import dev.scion.trainer.checkpoint.CheckpointStore;
import dev.scion.trainer.progress.LossCurve;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A round cancelled through its control stops at the next micro-batch, publishes nothing and keeps its
 * checkpoints; resumed, it finishes exactly as if it had never stopped.
 */
class CancelAndResumeTest {
    private static final String ADAPTER = InterruptedRounds.ADAPTER;

    @TempDir
    Path tmp;

    @Test
    void aCancelledRoundKeepsItsCheckpointAndResumesToTheUninterruptedRound() throws Exception {
        Path data = InterruptedRounds.data(tmp);
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        Path workspace = TrainingRound.workspace(store, ADAPTER);

        // One micro-batch per step (batch size 2, no accumulation): four run, the fifth is refused.
        RoundCancelledException cancelled = assertThrows(RoundCancelledException.class,
                () -> TrainingRound.run(TrainedModels.model(), store, InterruptedRounds.request(data, false),
                        TrainingListener.NONE, new CancelAfter(4)));
        assertEquals(4, cancelled.step(), cancelled.getMessage());
        assertTrue(cancelled.getMessage().contains("step 4"), cancelled.getMessage());

        assertTrue(store.versions(ADAPTER).isEmpty(), "a cancelled round publishes nothing");
        assertThrows(AdapterNotFoundException.class, () -> store.routing(ADAPTER));
        assertEquals(List.of(3), InterruptedRounds.checkpointSteps(store), "the checkpoint at step 3 stays");
        assertTrue(Files.isRegularFile(workspace.resolve("current/round.json")), "the unfinished round is recorded");
        Map<String, Object> state = new CheckpointStore(workspace.resolve("current/checkpoints"), 2)
                .loadNewestValid(w -> { }).state();
        assertEquals(3L, state.get("step"));
        assertEquals(TrainOptions.defaults().seed(), ((Number) state.get("seed")).longValue(), "the RNG's seed");
        assertTrue(state.get("epoch") instanceof Number && state.get("data_position") instanceof Number
                && ((Number) state.get("learning_rate")).doubleValue() > 0, "where the round stood: " + state);
        assertFalse(Files.exists(workspace.resolve("rounds")), "no round finished");

        RecordingListener listener = new RecordingListener();
        RoundResult result = TrainingRound.run(TrainedModels.model(), store, InterruptedRounds.request(data, true),
                listener, TrainingControl.UNLIMITED);
        assertTrue(listener.saw("resuming the unfinished round of " + ADAPTER), listener.transcript());
        assertTrue(listener.saw("resumed from the checkpoint at step 3"), listener.transcript());
        assertEquals(InterruptedRounds.TOTAL_STEPS - 3, listener.steps.size(), "only steps 4 to 12 ran again");
        assertEquals(4, listener.steps.get(0).step());
        assertTrue(result.isPublished(), result.gate().reason());
        assertEquals(1, result.published().version());

        InterruptedRounds.Uninterrupted reference = InterruptedRounds.reference();
        LoraAdapter resumed = PublishedAdapters.load(store.folder(ADAPTER, 1), ADAPTER);
        assertTrue(PublishedAdapters.bitIdentical(reference.adapter(), resumed),
                "resumed weights differ from the uninterrupted round's by up to "
                        + PublishedAdapters.maxAbsDifference(reference.adapter(), resumed));
        // The loss curve of steps 1 to 3 came from the checkpoint, the rest from the resume: the whole curve.
        assertEquals(LossCurve.readCsv(reference.lossCsv()).points(), LossCurve.readCsv(result.lossCsv()).points());

        assertFalse(Files.exists(workspace.resolve("current")), "the finished round leaves no checkpoints behind");
        assertTrue(result.lossCsv().getParent().getFileName().toString().endsWith("-v1"), result.lossCsv().toString());
    }
}
