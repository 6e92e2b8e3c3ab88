package dev.scion.engine.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraFactor;
import dev.scion.engine.lora.LoraTarget;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.weights.RandomWeights;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Pairs of models that must agree (or must not) because of how the architecture is defined: each
 * checks one feature of the forward pass against a rewritten but equivalent weight set.
 */
class ReferenceModelEquivalenceTest {

    private static final int[] PROMPT = ReferenceModelTest.PROMPT;

    @Test
    void loraWithZeroBLeavesLogitsExactlyUnchanged() {
        ModelConfig c = TinyModels.qwen2();
        RandomWeights w = new RandomWeights(c, 5);
        LoraFactor f = factor(c, Projection.Q, 4, 2.0, new SplittableRandom(1), false);
        LoraAdapter adapter = new LoraAdapter("zero-b", Map.of(new LoraTarget(1, Projection.Q), f));
        assertDeepEquals(new ReferenceModel(c, w).logits(PROMPT), new ReferenceModel(c, w, adapter).logits(PROMPT),
                0f);
    }

    @Test
    void loraOnEachProjectionEqualsMergingScalingTimesBATimesIntoTheWeight() {
        ModelConfig c = TinyModels.llamaGqa();
        RandomWeights w = new RandomWeights(c, 6);
        float[][] base = new ReferenceModel(c, w).logits(PROMPT);
        SplittableRandom r = new SplittableRandom(2);
        for (Projection p : Projection.values()) {
            LoraFactor f = factor(c, p, 3, 1.5, r, true);
            LoraAdapter adapter = new LoraAdapter("one-" + p.module(), Map.of(new LoraTarget(1, p), f));
            float[][] adapted = new ReferenceModel(c, w, adapter).logits(PROMPT);
            assertTrue(maxDifference(base, adapted) > 1e-3, p + " adapter changes nothing");
            ArrayWeights merged = ArrayWeights.copyOf(w);
            String name = p.path(1) + ".weight";
            merged.put(name, w.info(name).shape(), merge(w.floats(name), f));
            assertDeepEquals(new ReferenceModel(c, merged).logits(PROMPT), adapted, 2e-5f);
        }
    }

    @Test
    void loraThatDoesNotFitTheModelIsRejected() {
        ModelConfig c = TinyModels.llamaGqa();
        RandomWeights w = new RandomWeights(c, 0);
        LoraFactor kShapedForQ = factor(c, Projection.K, 2, 1, new SplittableRandom(3), true);
        LoraAdapter wrongShape = new LoraAdapter("bad", Map.of(new LoraTarget(0, Projection.Q), kShapedForQ));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReferenceModel(c, w, wrongShape));
        assertTrue(e.getMessage().contains("model.layers.0.self_attn.q_proj"), e.getMessage());
        LoraFactor q = factor(c, Projection.Q, 2, 1, new SplittableRandom(3), true);
        LoraAdapter wrongLayer = new LoraAdapter("bad", Map.of(new LoraTarget(2, Projection.Q), q));
        assertThrows(IllegalArgumentException.class, () -> new ReferenceModel(c, w, wrongLayer));
    }

    @Test
    void groupedQueryAttentionEqualsMultiHeadAttentionWithEachKvHeadRepeated() {
        // kv head j of the grouped model serves query heads 2j and 2j+1; copying its rows there gives
        // an ordinary multi-head model that must compute the same thing.
        ModelConfig grouped = TinyModels.llamaGqa();
        ModelConfig multiHead = Configs.withKvHeads(grouped, grouped.numHeads());
        RandomWeights w = new RandomWeights(grouped, 7);
        ArrayWeights expanded = ArrayWeights.copyOf(w);
        int group = grouped.numHeads() / grouped.numKvHeads();
        int rowsPerHead = grouped.headDim() * grouped.hiddenSize();
        for (int layer = 0; layer < grouped.numLayers(); layer++) {
            for (Projection p : new Projection[] {Projection.K, Projection.V}) {
                String name = p.path(layer) + ".weight";
                float[] kv = w.floats(name);
                float[] repeated = new float[multiHead.kvDim() * grouped.hiddenSize()];
                for (int h = 0; h < grouped.numHeads(); h++) {
                    System.arraycopy(kv, (h / group) * rowsPerHead, repeated, h * rowsPerHead, rowsPerHead);
                }
                expanded.put(name, new long[] {multiHead.kvDim(), grouped.hiddenSize()}, repeated);
            }
        }
        assertDeepEquals(new ReferenceModel(grouped, w).logits(PROMPT),
                new ReferenceModel(multiHead, expanded).logits(PROMPT), 1e-5f);
    }

    @Test
    void tiedEmbeddingsEqualAnUntiedModelWhoseLmHeadIsTheEmbedding() {
        ModelConfig tied = TinyModels.qwen2();
        RandomWeights w = new RandomWeights(tied, 8);
        ArrayWeights untiedWeights = ArrayWeights.copyOf(w).put("lm_head.weight",
                new long[] {tied.vocabSize(), tied.hiddenSize()}, w.floats("model.embed_tokens.weight"));
        ModelConfig untied = Configs.withTiedEmbeddings(tied, false);
        assertDeepEquals(new ReferenceModel(tied, w).logits(PROMPT),
                new ReferenceModel(untied, untiedWeights).logits(PROMPT), 0f);
        // And an untied model really reads lm_head: replacing it changes the logits.
        ModelConfig llama = TinyModels.llamaGqa();
        RandomWeights lw = new RandomWeights(llama, 8);
        ArrayWeights otherHead = ArrayWeights.copyOf(lw).put("lm_head.weight",
                new long[] {llama.vocabSize(), llama.hiddenSize()}, lw.floats("model.embed_tokens.weight"));
        assertTrue(maxDifference(new ReferenceModel(llama, lw).logits(PROMPT),
                new ReferenceModel(llama, otherHead).logits(PROMPT)) > 1e-2);
    }

    @Test
    void qkNormMakesQwen3BlindToTheScaleOfQAndKButNotLlama() {
        // RMSNorm per head removes any common factor of q and k; without it, scores scale with it.
        for (ModelConfig c : new ModelConfig[] {TinyModels.qwen3(), TinyModels.llamaGqa()}) {
            RandomWeights w = new RandomWeights(c, 9);
            ArrayWeights scaled = ArrayWeights.copyOf(w);
            for (int layer = 0; layer < c.numLayers(); layer++) {
                for (Projection p : new Projection[] {Projection.Q, Projection.K}) {
                    String name = p.path(layer) + ".weight";
                    float[] values = w.floats(name);
                    for (int i = 0; i < values.length; i++) {
                        values[i] *= 4;
                    }
                    scaled.put(name, w.info(name).shape(), values);
                }
            }
            double difference = maxDifference(new ReferenceModel(c, w).logits(PROMPT),
                    new ReferenceModel(c, scaled).logits(PROMPT));
            if (c.architecture().qkNorm()) {
                assertTrue(difference < 1e-4, "qwen3 moved by " + difference);
            } else {
                assertTrue(difference > 1e-2, "llama moved by only " + difference);
            }
        }
    }

    @Test
    void qkvBiasIsAddedByQwen2() {
        ModelConfig c = TinyModels.qwen2();
        RandomWeights w = new RandomWeights(c, 10);
        ArrayWeights noValueBias = ArrayWeights.copyOf(w);
        for (int layer = 0; layer < c.numLayers(); layer++) {
            noValueBias.put(Projection.V.path(layer) + ".bias", new long[] {c.kvDim()}, new float[c.kvDim()]);
        }
        assertTrue(maxDifference(new ReferenceModel(c, w).logits(PROMPT),
                new ReferenceModel(c, noValueBias).logits(PROMPT)) > 1e-3);
    }

    @Test
    void llama3RopeScalingChangesEveryPositionButTheFirst() {
        ModelConfig scaled = TinyModels.llamaRopeScaled();
        ModelConfig plain = Configs.withRopeScaling(scaled, null);
        RandomWeights w = new RandomWeights(scaled, 11);
        float[][] a = new ReferenceModel(scaled, w).logits(PROMPT);
        float[][] b = new ReferenceModel(plain, w).logits(PROMPT);
        assertArrayEquals(a[0], b[0], 0f);
        for (int t = 1; t < PROMPT.length; t++) {
            assertTrue(maxDifference(new float[][] {a[t]}, new float[][] {b[t]}) > 1e-4, "position " + t);
        }
    }

    private static LoraFactor factor(ModelConfig c, Projection p, int rank, double scaling, SplittableRandom r,
            boolean nonZeroB) {
        int in = p.inDim(c);
        int out = p.outDim(c);
        float[] a = new float[rank * in]; // (rank, in)
        float[] b = new float[out * rank]; // (out, rank)
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (r.nextGaussian() / Math.sqrt(in));
        }
        if (nonZeroB) {
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (r.nextGaussian() * 0.5);
            }
        }
        return new LoraFactor(rank, in, out, scaling, a, b);
    }

    /** W + scaling * B A, computed directly from the definition. */
    private static float[] merge(float[] w, LoraFactor f) {
        float[] merged = w.clone();
        for (int o = 0; o < f.out(); o++) {
            for (int i = 0; i < f.in(); i++) {
                double delta = 0;
                for (int k = 0; k < f.rank(); k++) {
                    delta += (double) f.b()[o * f.rank() + k] * f.a()[k * f.in() + i];
                }
                merged[o * f.in() + i] += (float) (f.scaling() * delta);
            }
        }
        return merged;
    }

    private static double maxDifference(float[][] a, float[][] b) {
        double max = 0;
        for (int t = 0; t < a.length; t++) {
            for (int i = 0; i < a[t].length; i++) {
                max = Math.max(max, Math.abs(a[t][i] - b[t][i]));
            }
        }
        return max;
    }

    private static void assertDeepEquals(float[][] expected, float[][] actual, float tolerance) {
        assertEquals(expected.length, actual.length);
        for (int t = 0; t < expected.length; t++) {
            assertArrayEquals(expected[t], actual[t], tolerance, "position " + t);
        }
    }
}
