package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.store.AdapterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newest checkpoint damaged on disk is reported, set aside, and the round resumes from the one before: the
 * published adapter is still the uninterrupted round's.
 */
class CorruptCheckpointResumeTest {
    private static final String ADAPTER = InterruptedRounds.ADAPTER;

    @TempDir
    Path tmp;

    @Test
    void aCorruptNewestCheckpointIsReportedAndTheRoundResumesFromThePreviousOne() throws Exception {
        Path data = InterruptedRounds.data(tmp);
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        RoundCancelledException cancelled = assertThrows(RoundCancelledException.class,
                () -> TrainingRound.run(TrainedModels.model(), store, InterruptedRounds.request(data, false),
                        TrainingListener.NONE, new CancelAfter(7)));
        assertEquals(7, cancelled.step());
        assertEquals(List.of(3, 6), InterruptedRounds.checkpointSteps(store));

        Path newest = InterruptedRounds.checkpoints(store).resolve("step-00000006");
        Path tensors = newest.resolve("tensors.safetensors");
        byte[] bytes = Files.readAllBytes(tensors);
        bytes[bytes.length / 2] ^= 0x01; // one bit of one weight: still parses, only the digest can tell
        Files.write(tensors, bytes);

        RecordingListener listener = new RecordingListener();
        RoundResult result = TrainingRound.run(TrainedModels.model(), store, InterruptedRounds.request(data, true),
                listener, TrainingControl.UNLIMITED);

        List<String> warnings = listener.eventsWith(newest.toString());
        assertEquals(1, warnings.size(), "one warning naming " + newest + ":\n" + listener.transcript());
        assertTrue(warnings.get(0).contains("tensors.safetensors") && warnings.get(0).contains("older checkpoint"),
                warnings.get(0));
        assertTrue(listener.saw("resumed from the checkpoint at step 3"), listener.transcript());
        assertEquals(InterruptedRounds.TOTAL_STEPS - 3, listener.steps.size(), "steps 4 to 12 ran again");
        assertTrue(result.isPublished(), result.gate().reason());

        LoraAdapter expected = InterruptedRounds.reference().adapter();
        LoraAdapter resumed = PublishedAdapters.load(store.folder(ADAPTER, 1), ADAPTER);
        assertTrue(PublishedAdapters.bitIdentical(expected, resumed),
                "resumed weights differ from the uninterrupted round's by up to "
                        + PublishedAdapters.maxAbsDifference(expected, resumed));
    }
}
