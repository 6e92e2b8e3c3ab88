package dev.scion.engine.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.weights.RandomWeights;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The oracle against the real thing: logits that Hugging Face transformers computed for the tiny
 * models filled with {@link RandomWeights} (seed {@link #SEED}); see fixtures/hf-logits/README.md
 * for how they were made. Runtime tests can reuse these fixtures directly.
 */
public class HuggingFaceLogitsTest {

    /** The seed fixtures/hf-logits/generate.py filled the models with. */
    public static final long SEED = 20240611L;
    private static final String FIXTURES = "/fixtures/hf-logits/";
    public static final int[] PROMPT = {1, 17, 250, 4, 99, 3, 311, 42, 42, 7, 128, 64};
    private static final int LONG_ROWS = 4;
    /** Float32 sums in torch against double-accumulated ones here: measured up to 3e-6 on logits of order 1. */
    private static final float TOLERANCE = 2e-5f;

    static int[] longPrompt() {
        int[] tokens = new int[300];
        for (int t = 0; t < tokens.length; t++) {
            tokens[t] = (t * 37 + 11) % 320;
        }
        return tokens;
    }

    @Test
    void referenceLogitsMatchTransformersForEveryTinyModel() throws IOException {
        for (Map.Entry<String, ModelConfig> e : TinyModels.all().entrySet()) {
            ModelConfig c = e.getValue();
            float[][] golden = readLogits(e.getKey(), PROMPT.length + LONG_ROWS, c.vocabSize());
            ReferenceModel model = new ReferenceModel(c, new RandomWeights(c, SEED));
            float[][] shortLogits = model.logits(PROMPT);
            for (int t = 0; t < PROMPT.length; t++) {
                assertArrayEquals(golden[t], shortLogits[t], TOLERANCE, e.getKey() + " position " + t);
            }
            int[] longTokens = longPrompt();
            float[][] longLogits = model.logits(longTokens);
            for (int r = 0; r < LONG_ROWS; r++) {
                int t = longTokens.length - LONG_ROWS + r;
                assertArrayEquals(golden[PROMPT.length + r], longLogits[t], TOLERANCE, e.getKey() + " position " + t);
            }
        }
    }

    @Test
    void greedyContinuationMatchesTransformers() throws IOException {
        JsonNode models = golden();
        for (Map.Entry<String, ModelConfig> e : TinyModels.all().entrySet()) {
            ModelConfig c = e.getValue();
            JsonNode expected = models.get(e.getKey()).get("greedy");
            int[] tokens = new int[expected.size()];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = expected.get(i).asInt();
            }
            ReferenceModel model = new ReferenceModel(c, new RandomWeights(c, SEED));
            assertArrayEquals(tokens, model.greedy(PROMPT, tokens.length), e.getKey());
        }
    }

    @Test
    void tensorNamesAndShapesAreTheOnesTransformersDeclares() throws IOException {
        JsonNode models = golden();
        for (Map.Entry<String, ModelConfig> e : TinyModels.all().entrySet()) {
            JsonNode tensors = models.get(e.getKey()).get("tensors");
            Set<String> hfNames = new HashSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = tensors.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> t = it.next();
                hfNames.add(t.getKey());
                long[] shape = new long[t.getValue().size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = t.getValue().get(i).asLong();
                }
                assertArrayEquals(shape, RandomWeights.shape(e.getValue(), t.getKey()), t.getKey());
            }
            assertEquals(hfNames, new HashSet<>(RandomWeights.tensorNames(e.getValue())), e.getKey());
        }
    }

    public static JsonNode golden() throws IOException {
        try (InputStream in = HuggingFaceLogitsTest.class.getResourceAsStream(FIXTURES + "golden.json")) {
            assertTrue(in != null, "fixture golden.json is missing");
            return new ObjectMapper().readTree(in);
        }
    }

    public static float[][] readLogits(String model, int rows, int vocab) throws IOException {
        byte[] bytes;
        try (InputStream in = HuggingFaceLogitsTest.class.getResourceAsStream(FIXTURES + model + ".f32")) {
            assertTrue(in != null, "fixture " + model + ".f32 is missing");
            bytes = in.readAllBytes();
        }
        assertEquals((long) rows * vocab * Float.BYTES, bytes.length, model + ".f32 size");
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[][] out = new float[rows][vocab];
        for (float[] row : out) {
            b.asFloatBuffer().get(row);
            b.position(b.position() + vocab * Float.BYTES);
        }
        return out;
    }
}
