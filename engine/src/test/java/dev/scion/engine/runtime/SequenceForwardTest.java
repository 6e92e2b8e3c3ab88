package dev.scion.engine.runtime;

import static dev.scion.engine.runtime.TransformerMatchesReferenceTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.reference.ReferenceModel;
import dev.scion.engine.reference.TinyModels;
import dev.scion.engine.weights.Checkpoint;
import dev.scion.engine.weights.DType;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The teacher-forced training forward: every position's logits equal the reference, padding included. */
class SequenceForwardTest {
    @TempDir
    Path tmp;

    @Test
    void everyPositionMatchesTheReferenceForRightPaddedRows() throws Exception {
        ModelConfig config = TinyModels.qwen2();
        Path dir = TinyCheckpoints.write(tmp.resolve("m"), config, 7, DType.F32, 1);
        int[] first = {1, 17, 250, 33, 4, 99, 180};
        int[] second = {5, 61, 2}; // padded to the first's length with token 0
        float[][] expectedFirst;
        float[][] expectedSecond;
        try (Checkpoint weights = Checkpoint.open(dir)) {
            ReferenceModel reference = new ReferenceModel(config, weights);
            expectedFirst = reference.logits(first);
            expectedSecond = reference.logits(second);
        }
        try (Checkpoint weights = Checkpoint.open(dir);
                Transformer model = Transformer.load(config, weights, RuntimeOptions.CPU);
                NDManager step = model.manager().newSubManager()) {
            long[] ids = new long[2 * first.length];
            for (int i = 0; i < first.length; i++) {
                ids[i] = first[i];
                ids[first.length + i] = i < second.length ? second[i] : 0;
            }
            NDArray tokens = step.create(ids, new Shape(2, first.length));
            float[] logits = model.logits(model.sequenceHidden(tokens, LoraDelta.NONE, false)).toFloatArray();
            int vocab = config.vocabSize();
            for (int t = 0; t < first.length; t++) {
                assertClose(expectedFirst[t], slice(logits, t, vocab), "row 0 position " + t);
            }
            for (int t = 0; t < second.length; t++) {
                assertClose(expectedSecond[t], slice(logits, first.length + t, vocab), "row 1 position " + t);
            }
        }
    }

    /** Gradients reach a LoRA factor through every layer and agree with finite differences. */
    @Test
    void gradientsFlowIntoLoraFactorsAndMatchFiniteDifferences() throws Exception {
        ModelConfig config = TinyModels.llamaGqa();
        Path dir = TinyCheckpoints.write(tmp.resolve("g"), config, 3, DType.F32, 1);
        try (Checkpoint weights = Checkpoint.open(dir);
                Transformer model = Transformer.load(config, weights, RuntimeOptions.CPU);
                NDManager step = model.manager().newSubManager()) {
            NDArray tokens = step.create(new long[] {1, 17, 250, 33, 4, 99}, new Shape(1, 6));
            int in = FusedProjection.O.inDim(config);
            int out = FusedProjection.O.outDim(config);
            NDArray a = step.randomNormal(0, 0.05f, new Shape(in, 2), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray b = step.randomNormal(0, 0.05f, new Shape(2, out), ai.djl.ndarray.types.DataType.FLOAT32);
            b.setRequiresGradient(true);
            LoraDelta lora = (layer, fused, x) -> layer == 0 && fused == FusedProjection.O ? x.matMul(a).matMul(b) : null;
            float analytic;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = model.logits(model.sequenceHidden(tokens, lora, true)).get(new NDIndex("-1, 5")).sum();
                collector.backward(loss);
                analytic = b.getGradient().toFloatArray()[3];
            }
            assertTrue(Math.abs(analytic) > 1e-6, "the gradient reached the factor: " + analytic);
            float eps = 1e-2f;
            float[] values = b.toFloatArray();
            values[3] += eps;
            NDArray plus = step.create(values, b.getShape());
            values[3] -= 2 * eps;
            NDArray minus = step.create(values, b.getShape());
            double numeric = (score(model, tokens, a, plus) - score(model, tokens, a, minus)) / (2 * eps);
            assertEquals(numeric, analytic, 1e-2 * Math.max(1, Math.abs(numeric)));
        }
    }

    private static double score(Transformer model, NDArray tokens, NDArray a, NDArray b) {
        LoraDelta lora = (layer, fused, x) -> layer == 0 && fused == FusedProjection.O ? x.matMul(a).matMul(b) : null;
        return model.logits(model.sequenceHidden(tokens, lora, false)).get(new NDIndex("-1, 5")).sum().getFloat();
    }

    private static float[] slice(float[] all, int row, int width) {
        float[] out = new float[width];
        System.arraycopy(all, row * width, out, 0, width);
        return out;
    }
}
