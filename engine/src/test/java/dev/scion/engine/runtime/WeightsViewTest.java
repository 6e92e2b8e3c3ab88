package dev.scion.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.reference.TinyModels;
import dev.scion.engine.weights.Checkpoint;
import dev.scion.engine.weights.DType;
import dev.scion.engine.weights.RandomWeights;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Transformer#withWeights}: the same model on given arrays, which full-parameter training differentiates. */
class WeightsViewTest {
    @TempDir
    Path tmp;

    @Test
    void aViewOnTheCheckpointsOwnWeightsGivesTheSameLogitsAndEveryWeightGetsAGradient() throws Exception {
        for (ModelConfig config : new ModelConfig[] {TinyModels.qwen2(), TinyModels.qwen3()}) {
            Path dir = TinyCheckpoints.write(tmp.resolve(config.architecture().name()), config, 5, DType.F32, 1);
            try (Checkpoint weights = Checkpoint.open(dir);
                    Transformer model = Transformer.load(config, weights, RuntimeOptions.CPU);
                    NDManager step = model.manager().newSubManager()) {
                Map<String, NDArray> arrays = new LinkedHashMap<>();
                for (String name : RandomWeights.tensorNames(config)) {
                    NDArray a = step.create(weights.floats(name), new Shape(RandomWeights.shape(config, name)));
                    a.setRequiresGradient(true);
                    arrays.put(name, a);
                }
                NDArray tokens = step.create(new long[] {1, 17, 250, 33, 4, 99}, new Shape(1, 6));
                float[] expected = model.logits(model.sequenceHidden(tokens, LoraDelta.NONE, false)).toFloatArray();
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    Transformer view = model.withWeights(arrays);
                    NDArray logits = view.logits(view.sequenceHidden(tokens, LoraDelta.NONE, true));
                    assertArrayEquals(expected, logits.toFloatArray(), config.architecture() + ": the same logits");
                    collector.backward(logits.logSoftmax(-1).get("-1, 7").neg());
                }
                for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                    float[] g = e.getValue().getGradient().toFloatArray();
                    assertTrue(anyNonZero(g), config.architecture() + ": no gradient reached " + e.getKey());
                }
            }
        }
    }

    @Test
    void aViewRunsOnItsOwnArraysNotTheModels() throws Exception {
        ModelConfig config = TinyModels.qwen2();
        Path dir = TinyCheckpoints.write(tmp.resolve("m"), config, 5, DType.F32, 1);
        try (Checkpoint weights = Checkpoint.open(dir);
                Transformer model = Transformer.load(config, weights, RuntimeOptions.CPU);
                NDManager step = model.manager().newSubManager()) {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            try (RandomWeights other = new RandomWeights(config, 99)) {
                for (String name : RandomWeights.tensorNames(config)) {
                    arrays.put(name, step.create(other.floats(name), new Shape(RandomWeights.shape(config, name))));
                }
            }
            NDArray tokens = step.create(new long[] {3, 8, 21}, new Shape(1, 3));
            float[] own = model.logits(model.sequenceHidden(tokens, LoraDelta.NONE, false)).toFloatArray();
            Transformer view = model.withWeights(arrays);
            float[] viewed = view.logits(view.sequenceHidden(tokens, LoraDelta.NONE, false)).toFloatArray();
            assertFalse(Arrays.equals(own, viewed));
            view.close(); // frees nothing: the model still runs
            assertArrayEquals(own, model.logits(model.sequenceHidden(tokens, LoraDelta.NONE, false)).toFloatArray());
        }
    }

    private static boolean anyNonZero(float[] values) {
        for (float v : values) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }
}
