package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraFactor;
import dev.scion.engine.lora.LoraTarget;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.store.AdapterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** Reading and comparing the weights rounds published. */
final class PublishedAdapters {
    private PublishedAdapters() {}

    /** The bytes of a published version's {@code adapter_model.safetensors}. */
    static byte[] weightBytes(AdapterStore store, String adapter, int version) throws IOException {
        return Files.readAllBytes(store.folder(adapter, version).resolve(PeftAdapter.WEIGHTS_FILE));
    }

    /** The bytes of a published version's trainer state (Fisher and moments). */
    static byte[] trainerStateBytes(AdapterStore store, String adapter, int version) throws IOException {
        return Files.readAllBytes(store.folder(adapter, version).resolve(AdapterStore.TRAINER_STATE_FILE));
    }

    static LoraAdapter load(Path versionFolder, String adapter) throws IOException {
        return PeftAdapter.load(versionFolder, adapter, TrainedModels.model().config());
    }

    /** Whether every A and B of the two adapters is equal bit for bit (same targets assumed checked). */
    static boolean bitIdentical(LoraAdapter expected, LoraAdapter actual) {
        assertEquals(expected.factors().keySet(), actual.factors().keySet(), "adapted projections");
        for (Map.Entry<LoraTarget, LoraFactor> e : expected.factors().entrySet()) {
            LoraFactor other = actual.factors().get(e.getKey());
            if (!Arrays.equals(e.getValue().a(), other.a()) || !Arrays.equals(e.getValue().b(), other.b())) {
                return false;
            }
        }
        return true;
    }

    /** The largest absolute difference between corresponding weights of two adapters of the same shape. */
    static double maxAbsDifference(LoraAdapter expected, LoraAdapter actual) {
        assertEquals(expected.factors().keySet(), actual.factors().keySet(), "adapted projections");
        double max = 0;
        for (Map.Entry<LoraTarget, LoraFactor> e : expected.factors().entrySet()) {
            LoraFactor other = actual.factors().get(e.getKey());
            max = Math.max(max, maxAbs(e.getValue().a(), other.a()));
            max = Math.max(max, maxAbs(e.getValue().b(), other.b()));
        }
        return max;
    }

    private static double maxAbs(float[] a, float[] b) {
        assertEquals(a.length, b.length, "factor sizes");
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            max = Math.max(max, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
        }
        return max;
    }
}
