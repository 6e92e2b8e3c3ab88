package dev.scion.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.reference.TinyModels;
import dev.scion.engine.weights.Checkpoint;
import dev.scion.engine.weights.DType;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pooled embeddings: each input's own, whatever it is batched with, pooled as documented, of unit length. */
class EmbeddingsTest {
    private static final ModelConfig CONFIG = TinyModels.qwen2();
    private static final int[] LONG = {1, 17, 250, 33, 4, 99, 180};
    private static final int[] SHORT = {5, 61, 2};
    @TempDir
    static Path tmp;
    static Checkpoint weights;
    static Transformer model;

    @BeforeAll
    static void load() throws Exception {
        weights = Checkpoint.open(TinyCheckpoints.write(tmp.resolve("m"), CONFIG, 7, DType.F32, 1));
        model = Transformer.load(CONFIG, weights, RuntimeOptions.CPU);
    }

    @AfterAll
    static void close() throws Exception {
        model.close();
        weights.close();
    }

    /** The final hidden states of one input alone, (length, hidden), straight from the teacher-forced forward. */
    private static float[][] states(int[] ids) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray tokens = m.create(ids, new Shape(1, ids.length));
            float[] flat = model.sequenceHidden(tokens, LoraDelta.NONE, false).toFloatArray();
            int hidden = CONFIG.hiddenSize();
            float[][] out = new float[ids.length][hidden];
            for (int t = 0; t < ids.length; t++) {
                System.arraycopy(flat, t * hidden, out[t], 0, hidden);
            }
            return out;
        }
    }

    private static float[] unit(float[] v) {
        double norm = 0;
        for (float f : v) {
            norm += f * f;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return out;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5, what + " [" + i + "]");
        }
    }

    @Test
    void meanPoolingIsTheNormalisedMeanOfTheInputsOwnStatesWhateverItIsBatchedWith() {
        float[][] together = Embeddings.pooled(model, List.of(LONG, SHORT), null, EmbeddingPooling.MEAN);
        for (int[] ids : List.of(LONG, SHORT)) {
            float[][] s = states(ids);
            float[] mean = new float[CONFIG.hiddenSize()];
            for (float[] row : s) {
                for (int i = 0; i < mean.length; i++) {
                    mean[i] += row[i] / s.length;
                }
            }
            float[] alone = Embeddings.pooled(model, List.of(ids), null, EmbeddingPooling.MEAN)[0];
            assertClose(unit(mean), alone, "alone, " + ids.length + " tokens");
            assertClose(alone, together[ids == LONG ? 0 : 1], "batched with a longer or shorter input");
        }
    }

    @Test
    void lastPoolingIsTheLastTokensNormalisedState() {
        float[][] together = Embeddings.pooled(model, List.of(SHORT, LONG), null, EmbeddingPooling.LAST);
        float[][] shortStates = states(SHORT);
        assertClose(unit(shortStates[SHORT.length - 1]), together[0], "the short input, padded in the batch");
        float[][] longStates = states(LONG);
        assertClose(unit(longStates[LONG.length - 1]), together[1], "the long input");
    }

    @Test
    void everyVectorHasUnitLengthAndAnAdapterChangesIt() {
        LoraAdapter qv = RandomLora.create("qv", CONFIG, 4, EnumSet.of(Projection.Q, Projection.V), 1, 2.0);
        try (DeviceAdapter adapter = DeviceAdapter.upload(qv, model)) {
            float[] base = Embeddings.pooled(model, List.of(LONG), null, EmbeddingPooling.MEAN)[0];
            float[] adapted = Embeddings.pooled(model, List.of(LONG), adapter, EmbeddingPooling.MEAN)[0];
            double baseNorm = 0;
            double adaptedNorm = 0;
            double diff = 0;
            for (int i = 0; i < base.length; i++) {
                baseNorm += base[i] * base[i];
                adaptedNorm += adapted[i] * adapted[i];
                diff += Math.abs(base[i] - adapted[i]);
            }
            assertEquals(1.0, baseNorm, 1e-5);
            assertEquals(1.0, adaptedNorm, 1e-5);
            assertTrue(diff > 1e-3, "the adapter's weights reach the embedding: " + diff);
        }
    }

    @Test
    void anEmptyInputIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> Embeddings.pooled(model, List.of(new int[0]), null, EmbeddingPooling.MEAN));
    }
}
