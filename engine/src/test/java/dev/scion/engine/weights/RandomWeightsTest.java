package dev.scion.engine.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.reference.TinyModels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomWeightsTest {

    @Test
    void sameSeedGivesSameValuesInIndependentInstancesWhateverTheOrderOfRequests() {
        ModelConfig c = TinyModels.llamaGqa();
        RandomWeights first = new RandomWeights(c, 42);
        RandomWeights second = new RandomWeights(c, 42);
        List<String> names = RandomWeights.tensorNames(c);
        float[] lastOfFirst = first.floats(names.get(names.size() - 1));
        for (String name : names) {
            assertArrayEquals(first.floats(name), second.floats(name), name);
        }
        assertArrayEquals(lastOfFirst, second.floats(names.get(names.size() - 1)));
    }

    @Test
    void valuesFollowTheDocumentedGeneratorSoTheyCannotDriftBetweenVersions() {
        // Expected values computed outside Java (a Python transcription of splitmix64 over the
        // FNV-1a name hash); a change here silently changes every test that uses random weights.
        RandomWeights w = new RandomWeights(TinyModels.llamaGqa(), 7);
        float[] q = w.floats("model.layers.0.self_attn.q_proj.weight"); // std 1/sqrt(64)
        assertEquals(-0.04970349743962288f, q[0], 0f);
        assertEquals(0.07046915590763092f, q[1], 0f);
        assertEquals(-0.17655591666698456f, q[4095], 0f);
        float[] norm = w.floats("model.norm.weight"); // 1 + noise of std 0.1
        assertEquals(1.0817950963974f, norm[0], 0f);
        assertEquals(0.8623166680335999f, norm[63], 0f);
    }

    @Test
    void differentSeedsAndDifferentTensorsDiffer() {
        ModelConfig c = TinyModels.llamaGqa();
        float[] a = new RandomWeights(c, 1).floats("model.layers.0.self_attn.q_proj.weight");
        float[] b = new RandomWeights(c, 2).floats("model.layers.0.self_attn.q_proj.weight");
        float[] other = new RandomWeights(c, 1).floats("model.layers.1.self_attn.q_proj.weight");
        assertFalse(java.util.Arrays.equals(a, b));
        assertFalse(java.util.Arrays.equals(a, other));
    }

    @Test
    void bufferIsLittleEndianDirectAtPositionZeroAndMatchesFloats() {
        RandomWeights w = new RandomWeights(TinyModels.qwen2(), 3);
        ByteBuffer b = w.float32("model.norm.weight");
        assertTrue(b.isDirect());
        assertEquals(ByteOrder.LITTLE_ENDIAN, b.order());
        assertEquals(0, b.position());
        assertEquals(64 * 4, b.remaining());
        float[] f = w.floats("model.norm.weight");
        for (int i = 0; i < f.length; i++) {
            assertEquals(f[i], b.getFloat(i * 4), 0f);
        }
        // A fresh buffer each time: the caller may consume it.
        b.position(8);
        assertEquals(0, w.float32("model.norm.weight").position());
    }

    @Test
    void llamaNamesAndShapes() {
        ModelConfig c = TinyModels.llamaGqa();
        RandomWeights w = new RandomWeights(c, 0);
        Set<String> names = w.names();
        assertEquals(1 + 2 * 9 + 1 + 1, names.size());
        assertEquals(List.copyOf(names), RandomWeights.tensorNames(c));
        assertShape(c, "model.embed_tokens.weight", TinyModels.VOCAB, 64);
        assertShape(c, "model.layers.1.input_layernorm.weight", 64);
        assertShape(c, "model.layers.1.self_attn.q_proj.weight", 64, 64);
        assertShape(c, "model.layers.1.self_attn.k_proj.weight", 32, 64);
        assertShape(c, "model.layers.1.self_attn.v_proj.weight", 32, 64);
        assertShape(c, "model.layers.1.self_attn.o_proj.weight", 64, 64);
        assertShape(c, "model.layers.1.post_attention_layernorm.weight", 64);
        assertShape(c, "model.layers.1.mlp.gate_proj.weight", 128, 64);
        assertShape(c, "model.layers.1.mlp.up_proj.weight", 128, 64);
        assertShape(c, "model.layers.1.mlp.down_proj.weight", 64, 128);
        assertShape(c, "model.norm.weight", 64);
        assertShape(c, "lm_head.weight", TinyModels.VOCAB, 64);
        assertTrue(names.stream().noneMatch(n -> n.endsWith(".bias") || n.contains("q_norm") || n.contains("k_norm")));
        assertFalse(names.contains("model.layers.2.input_layernorm.weight"));
    }

    @Test
    void qwen2HasQkvBiasAndNoLmHeadWhenTied() {
        ModelConfig c = TinyModels.qwen2();
        Set<String> names = new RandomWeights(c, 0).names();
        for (int layer = 0; layer < 3; layer++) {
            assertShape(c, "model.layers." + layer + ".self_attn.q_proj.bias", 64);
            assertShape(c, "model.layers." + layer + ".self_attn.k_proj.bias", 32);
            assertShape(c, "model.layers." + layer + ".self_attn.v_proj.bias", 32);
        }
        assertFalse(names.contains("model.layers.0.self_attn.o_proj.bias"));
        assertFalse(names.contains("lm_head.weight"));
        assertTrue(names.stream().noneMatch(n -> n.contains("q_norm")));
        assertEquals(1 + 3 * 12 + 1, names.size());
    }

    @Test
    void qwen3HasPerHeadNormsSizedByExplicitHeadDim() {
        ModelConfig c = TinyModels.qwen3();
        Set<String> names = new RandomWeights(c, 0).names();
        assertShape(c, "model.layers.0.self_attn.q_norm.weight", 32);
        assertShape(c, "model.layers.1.self_attn.k_norm.weight", 32);
        assertShape(c, "model.layers.0.self_attn.q_proj.weight", 128, 64);
        assertShape(c, "model.layers.0.self_attn.k_proj.weight", 64, 64);
        assertShape(c, "model.layers.0.self_attn.o_proj.weight", 64, 128);
        assertTrue(names.stream().noneMatch(n -> n.endsWith(".bias")));
        assertFalse(names.contains("lm_head.weight"));
    }

    @Test
    void unknownNamesAreRejectedByName() {
        RandomWeights w = new RandomWeights(TinyModels.qwen2(), 0);
        for (String name : new String[] {"lm_head.weight", "model.layers.3.mlp.up_proj.weight", "nonsense"}) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> w.float32(name));
            assertTrue(e.getMessage().contains(name), e.getMessage());
            assertThrows(ModelFormatException.class, () -> w.info(name));
            assertThrows(ModelFormatException.class, () -> RandomWeights.shape(TinyModels.qwen2(), name));
        }
    }

    @Test
    void infoDescribesFloat32Tensors() {
        RandomWeights w = new RandomWeights(TinyModels.mistral(), 0);
        TensorInfo info = w.info("model.layers.0.mlp.down_proj.weight");
        assertEquals(DType.F32, info.dtype());
        assertArrayEquals(new long[] {64, 128}, info.shape());
        assertEquals(64 * 128 * 4L, info.byteLength());
        assertEquals("model.layers.0.mlp.down_proj.weight", info.name());
    }

    @Test
    void distributionsHaveTheDocumentedMeanAndSpread() {
        ModelConfig c = TinyModels.llamaGqa();
        RandomWeights w = new RandomWeights(c, 11);
        double[] linear = moments(w.floats("model.layers.0.mlp.down_proj.weight")); // in = 128
        assertEquals(0, linear[0], 0.005);
        assertEquals(1 / Math.sqrt(128), linear[1], 0.005);
        double[] norm = moments(w.floats("model.layers.0.input_layernorm.weight"));
        assertEquals(1, norm[0], 0.05);
        assertEquals(0.1, norm[1], 0.03);
        float[] q = w.floats("model.layers.0.self_attn.q_proj.weight");
        Set<Float> distinct = new HashSet<>();
        for (float v : q) {
            distinct.add(v);
            assertTrue(Math.abs(v) <= Math.sqrt(3.0 / 64) + 1e-6, "uniform bound");
        }
        assertTrue(distinct.size() > q.length * 0.99, "values are not repeating");
    }

    @Test
    void producesTheHalfBillionShapeEmbeddingOnDemand() {
        ModelConfig c = TinyModels.qwen2HalfBillionShape();
        RandomWeights w = new RandomWeights(c, 5);
        assertEquals(1 + 24 * 12 + 1, w.names().size());
        long start = System.nanoTime();
        ByteBuffer e = w.float32("model.embed_tokens.weight");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(151936L * 896 * 4, e.remaining());
        // The last row is generated too, and is not a copy of the first.
        float first = e.getFloat(0);
        float last = e.getFloat(e.remaining() - 4);
        assertTrue(first != last && first != 0 && last != 0);
        assertTrue(millis < 30_000, "took " + millis + " ms");
    }

    @Test
    void refusesATensorTooBigForOneBufferBeforeAllocatingIt() {
        ModelConfig big = new ModelConfig(dev.scion.engine.model.Architecture.LLAMA, 4096, 1, 32, 8, 128, 14336,
                152064, 1e-5, 500000.0, null, 8192, false, false, 1, List.of(2));
        RandomWeights w = new RandomWeights(big, 0);
        assertEquals(152064L * 4096 * 4, w.info("lm_head.weight").byteLength());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> w.float32("lm_head.weight"));
        assertTrue(e.getMessage().contains("lm_head.weight") && e.getMessage().contains("random-weights-seed-0"),
                e.getMessage());
    }

    private static double[] moments(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        double mean = sum / values.length;
        double squares = 0;
        for (float v : values) {
            squares += (v - mean) * (v - mean);
        }
        return new double[] {mean, Math.sqrt(squares / values.length)};
    }

    private static void assertShape(ModelConfig c, String name, long... expected) {
        assertArrayEquals(expected, RandomWeights.shape(c, name), name);
        assertArrayEquals(expected, new RandomWeights(c, 0).info(name).shape(), name);
        assertEquals(product(expected), new RandomWeights(c, 0).floats(name).length, name);
    }

    private static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
