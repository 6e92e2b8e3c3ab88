package dev.scion.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.reference.ReferenceModel;
import dev.scion.engine.reference.TinyModels;
import dev.scion.engine.weights.Checkpoint;
import dev.scion.engine.weights.DType;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DJL forward pass, loaded from real checkpoint files, against the plain-Java reference
 * (full recomputation, no KV cache): prefill logits, then every decode step's logits.
 */
class TransformerMatchesReferenceTest {
    static final int[] PROMPT = {1, 17, 250, 33, 4, 99, 180};
    static final int[] CONTINUATION = {7, 311, 42, 5, 64};

    @TempDir
    Path tmp;

    static Stream<Arguments> checkpoints() {
        Stream<Arguments> architectures = TinyModels.all().entrySet().stream()
                .map(e -> Arguments.of(e.getKey(), e.getValue(), DType.F32, 1));
        Stream<Arguments> formats = Stream.of(
                Arguments.of("qwen2-bf16", TinyModels.qwen2(), DType.BF16, 1),
                Arguments.of("llama-f16-sharded", TinyModels.llamaGqa(), DType.F16, 3),
                Arguments.of("qwen3-sharded", TinyModels.qwen3(), DType.F32, 2));
        return Stream.concat(architectures, formats);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkpoints")
    void kvCachedStepsMatchFullRecomputation(String name, ModelConfig config, DType dtype, int shards) throws Exception {
        Path dir = TinyCheckpoints.write(tmp.resolve(name), config, 42, dtype, shards);
        int[] all = concat(PROMPT, CONTINUATION);
        float[][] expected;
        try (Checkpoint weights = Checkpoint.open(dir)) {
            expected = new ReferenceModel(config, weights).logits(all);
        }
        try (Checkpoint weights = Checkpoint.open(dir);
                Transformer model = Transformer.load(config, weights, RuntimeOptions.CPU);
                KvCache cache = new KvCache(model, 2, 32)) {
            float[] prefill = model.forward(List.of(new SequenceChunk(1, 0, PROMPT, -1)), cache, LoraBatch.none()).row(0);
            assertClose(expected[PROMPT.length - 1], prefill, "after prefill");
            for (int i = 0; i < CONTINUATION.length; i++) {
                int position = PROMPT.length + i;
                float[] step = model.forward(List.of(new SequenceChunk(1, position, new int[] {CONTINUATION[i]}, -1)),
                        cache, LoraBatch.none()).row(0);
                assertClose(expected[position], step, "decode position " + position);
            }
        }
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Tight elementwise agreement, scaled to the logits' magnitude, and the same argmax. */
    static void assertClose(float[] expected, float[] actual, String where) {
        assertEquals(expected.length, actual.length, where + ": vocab");
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 1e-3, where + ": reference logits are degenerate");
        double tolerance = 1e-4 * Math.max(1, scale);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, where + ": logit " + i);
        }
        assertEquals(argmax(expected), argmax(actual), where + ": argmax");
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
