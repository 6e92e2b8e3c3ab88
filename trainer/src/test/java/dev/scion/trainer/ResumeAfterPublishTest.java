package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.AdapterStore;
import dev.scion.trainer.progress.LossCurve;
import dev.scion.trainer.replay.ReplayStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A round that dies after its publish is recorded but before it has finished (replay store, report, loss curve)
 * resumes without training or publishing again, and reports the version it published with the figures it
 * published it with.
 */
class ResumeAfterPublishTest {
    private static final String ADAPTER = InterruptedRounds.ADAPTER;

    /** Stands in for a kill: the first event after round.json records the publish ends the run. */
    private static final class DiesAfterPublishing implements TrainingListener {
        @Override
        public void onEvent(String message) {
            if (message.startsWith("published ")) {
                throw new IllegalStateException("simulated crash after: " + message);
            }
        }
    }

    @TempDir
    Path tmp;

    @Test
    void aRoundThatDiedAfterPublishingFinishesWithoutPublishingAgain() throws Exception {
        Path data = InterruptedRounds.data(tmp);
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        Path workspace = TrainingRound.workspace(store, ADAPTER);
        IllegalStateException crash = assertThrows(IllegalStateException.class,
                () -> TrainingRound.run(TrainedModels.model(), store, InterruptedRounds.request(data, false),
                        new DiesAfterPublishing(), TrainingControl.UNLIMITED));
        assertTrue(crash.getMessage().contains("published " + ADAPTER + "@1"), crash.getMessage());
        AdapterManifest published = store.resolve(ADAPTER, 1);
        assertEquals(0, ReplayStore.open(workspace.resolve("replay"), 2000).size(), "died before the replay add");

        RecordingListener listener = new RecordingListener();
        RoundResult result = TrainingRound.run(TrainedModels.model(), store, InterruptedRounds.request(data, true),
                listener, TrainingControl.UNLIMITED);

        assertTrue(result.isPublished(), "the resumed round reports its publish: " + result.gate().reason()
                + "\n" + listener.transcript());
        assertEquals(published, result.published());
        assertEquals(List.of(1), store.versions(ADAPTER).stream().map(AdapterManifest::version).toList(),
                "published once");
        assertTrue(listener.steps.isEmpty(), "no step trained again");
        InterruptedRounds.Uninterrupted reference = InterruptedRounds.reference();
        assertEquals(reference.gate(), result.gate(), "the gate scored the published weights again");
        assertEquals(LossCurve.readCsv(reference.lossCsv()).points(), LossCurve.readCsv(result.lossCsv()).points(),
                "the whole loss curve is reported");
        assertEquals(InterruptedRounds.FACTS, ReplayStore.open(workspace.resolve("replay"), 2000).size(),
                "the round's conversations entered the replay store once");
        assertFalse(Files.exists(workspace.resolve("current")));
    }

    /** Killed between the store's publish and round.json recording it: the resume finds the version by its round. */
    @Test
    void aRoundKilledInsideItsPublishDoesNotPublishTwice() throws Exception {
        Path data = InterruptedRounds.data(tmp);
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        Publisher direct = Publisher.direct(store, TrainedModels.model().config(), dev.scion.engine.store.PublishSource.TRAINER);
        Publisher diesAfterTheStore = (adapter, folder, metrics, canary) -> {
            direct.publish(adapter, folder, metrics, canary);
            throw new IllegalStateException("simulated crash right after the store's publish");
        };
        assertThrows(IllegalStateException.class, () -> TrainingRound.run(TrainedModels.model(), store,
                InterruptedRounds.request(data, false), TrainingListener.NONE, TrainingControl.UNLIMITED,
                diesAfterTheStore));
        assertEquals(1, store.versions(ADAPTER).size());

        RecordingListener listener = new RecordingListener();
        RoundResult result = TrainingRound.run(TrainedModels.model(), store, InterruptedRounds.request(data, true),
                listener, TrainingControl.UNLIMITED);
        assertEquals(1, result.published().version());
        assertEquals(List.of(1), store.versions(ADAPTER).stream().map(AdapterManifest::version).toList(),
                "published once");
        assertTrue(listener.transcript().contains("published by this round before it was interrupted"),
                listener.transcript());
        assertEquals(InterruptedRounds.FACTS, ReplayStore.open(TrainingRound.workspace(store, ADAPTER)
                .resolve("replay"), 2000).size());
    }
}
