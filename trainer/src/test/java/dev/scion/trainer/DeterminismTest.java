package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.store.AdapterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same seed and data give the same adapter, bit for bit, in two fresh stores: every random choice (initial A,
 * data order, dropout masks) is a function of the seed and the step. Resume after a crash depends on exactly this.
 */
class DeterminismTest {
    private static final String ADAPTER = InterruptedRounds.ADAPTER;

    @TempDir
    Path tmp;

    @Test
    void withoutDropoutTwoRunsPublishIdenticalBytes() throws IOException {
        TrainOptions noDropout = InterruptedRounds.OPTIONS.with(b -> b.dropout = 0);
        Path data = InterruptedRounds.data(tmp);
        AdapterStore first = run(tmp.resolve("first"), data, noDropout);
        AdapterStore second = run(tmp.resolve("second"), data, noDropout);

        assertArrayEquals(PublishedAdapters.weightBytes(first, ADAPTER, 1),
                PublishedAdapters.weightBytes(second, ADAPTER, 1), "adapter_model.safetensors differs between runs");
        assertArrayEquals(PublishedAdapters.trainerStateBytes(first, ADAPTER, 1),
                PublishedAdapters.trainerStateBytes(second, ADAPTER, 1),
                "the trainer state (Fisher, moments) differs between runs");

        // Dropout must change the weights, or the test with dropout below would prove nothing about its masks.
        byte[] withDropout = Files.readAllBytes(
                InterruptedRounds.reference().versionFolder().resolve("adapter_model.safetensors"));
        assertFalse(Arrays.equals(withDropout, PublishedAdapters.weightBytes(first, ADAPTER, 1)),
                "dropout 0.1 trained the same weights as no dropout");
    }

    @Test
    void withDropoutTwoRunsPublishIdenticalBytes() throws IOException {
        assertTrue(InterruptedRounds.OPTIONS.dropout() > 0);
        InterruptedRounds.Uninterrupted reference = InterruptedRounds.reference();
        AdapterStore again = run(tmp.resolve("again"), InterruptedRounds.data(tmp), InterruptedRounds.OPTIONS);

        assertArrayEquals(Files.readAllBytes(reference.versionFolder().resolve("adapter_model.safetensors")),
                PublishedAdapters.weightBytes(again, ADAPTER, 1), "adapter_model.safetensors differs between runs");
        assertArrayEquals(Files.readAllBytes(reference.versionFolder().resolve(AdapterStore.TRAINER_STATE_FILE)),
                PublishedAdapters.trainerStateBytes(again, ADAPTER, 1), "the trainer state differs between runs");
    }

    private static AdapterStore run(Path root, Path data, TrainOptions options) throws IOException {
        AdapterStore store = TrainedModels.store(root);
        RoundResult result = TrainingRound.run(TrainedModels.model(), store,
                TrainedModels.request(ADAPTER, data, options), TrainingListener.NONE, TrainingControl.UNLIMITED);
        assertTrue(result.isPublished(), result.gate().reason());
        assertEquals(1, result.published().version());
        return store;
    }
}
