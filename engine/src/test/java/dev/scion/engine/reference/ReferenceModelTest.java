package dev.scion.engine.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.model.Architecture;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.weights.RandomWeights;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The whole forward pass: hand-built models worked out on paper, and structural properties of random ones. */
class ReferenceModelTest {

    static final int[] PROMPT = {1, 17, 250, 4, 99, 3, 311, 42, 42, 7, 128, 64};

    @Test
    void everyTinyRandomModelGivesFiniteVariedLogits() {
        for (Map.Entry<String, ModelConfig> e : TinyModels.all().entrySet()) {
            ReferenceModel model = new ReferenceModel(e.getValue(), new RandomWeights(e.getValue(), 1));
            float[][] logits = model.logits(PROMPT);
            assertEquals(PROMPT.length, logits.length);
            Set<Integer> argmaxes = new HashSet<>();
            for (float[] row : logits) {
                assertEquals(TinyModels.VOCAB, row.length);
                double sumSquares = 0;
                for (float v : row) {
                    assertTrue(Float.isFinite(v), e.getKey());
                    sumSquares += v * v;
                }
                double rms = Math.sqrt(sumSquares / row.length);
                assertTrue(rms > 0.2 && rms < 20, e.getKey() + " logit scale " + rms);
                argmaxes.add(ReferenceOps.argmax(row));
            }
            assertTrue(argmaxes.size() >= 4, e.getKey() + " picks " + argmaxes);
            int[] a = model.greedy(new int[] {1, 5, 9}, 6);
            int[] b = model.greedy(new int[] {1, 200, 33}, 6);
            assertEquals(6, a.length);
            assertFalse(Arrays.equals(a, b), e.getKey() + " continues every prompt the same way");
        }
    }

    @Test
    void logitsOfAPositionDoNotDependOnLaterTokens() {
        for (Map.Entry<String, ModelConfig> e : TinyModels.all().entrySet()) {
            ReferenceModel model = new ReferenceModel(e.getValue(), new RandomWeights(e.getValue(), 2));
            float[][] full = model.logits(PROMPT);
            float[][] prefix = model.logits(Arrays.copyOf(PROMPT, 5));
            for (int t = 0; t < 5; t++) {
                assertArrayEquals(prefix[t], full[t], 0f, e.getKey() + " position " + t);
            }
        }
    }

    @Test
    void greedyAppendsTheArgmaxOfTheLastPositionEachStep() {
        ModelConfig c = TinyModels.qwen3();
        ReferenceModel model = new ReferenceModel(c, new RandomWeights(c, 3));
        int[] prompt = {1, 77, 12};
        int[] generated = model.greedy(prompt, 3);
        int[] sequence = Arrays.copyOf(prompt, 6);
        System.arraycopy(generated, 0, sequence, 3, 3);
        float[][] logits = model.logits(sequence);
        for (int n = 0; n < 3; n++) {
            assertEquals(ReferenceOps.argmax(logits[2 + n]), generated[n], "step " + n);
        }
        assertEquals(0, model.greedy(prompt, 0).length);
    }

    @Test
    void aSingleTokenAttendsOnlyToItselfSoAttentionIsTheValuePath() {
        // One key: softmax gives weight 1, so q, k, q_norm, k_norm and RoPE cannot matter.
        for (ModelConfig full : List.of(TinyModels.llamaGqa(), TinyModels.qwen2(), TinyModels.qwen3())) {
            ModelConfig c = Configs.withLayers(full, 1);
            RandomWeights w = new RandomWeights(c, 4);
            int token = 57;
            int hidden = c.hiddenSize();
            float[] x = Arrays.copyOfRange(w.floats("model.embed_tokens.weight"), token * hidden, (token + 1) * hidden);
            float[] normed = ReferenceOps.rmsNorm(x, w.floats("model.layers.0.input_layernorm.weight"), c.rmsNormEps());
            float[] v = ReferenceOps.linear(w.floats("model.layers.0.self_attn.v_proj.weight"),
                    c.qkvBias() ? w.floats("model.layers.0.self_attn.v_proj.bias") : null, c.kvDim(), hidden, normed);
            float[] perQueryHead = new float[c.qDim()];
            int group = c.numHeads() / c.numKvHeads();
            for (int h = 0; h < c.numHeads(); h++) {
                System.arraycopy(v, (h / group) * c.headDim(), perQueryHead, h * c.headDim(), c.headDim());
            }
            float[] h = ReferenceOps.add(x, ReferenceOps.linear(w.floats("model.layers.0.self_attn.o_proj.weight"),
                    hidden, c.qDim(), perQueryHead));
            float[] n2 = ReferenceOps.rmsNorm(h, w.floats("model.layers.0.post_attention_layernorm.weight"),
                    c.rmsNormEps());
            float[] gate = ReferenceOps.linear(w.floats("model.layers.0.mlp.gate_proj.weight"), c.intermediateSize(),
                    hidden, n2);
            float[] up = ReferenceOps.linear(w.floats("model.layers.0.mlp.up_proj.weight"), c.intermediateSize(),
                    hidden, n2);
            float[] out = ReferenceOps.add(h, ReferenceOps.linear(w.floats("model.layers.0.mlp.down_proj.weight"),
                    hidden, c.intermediateSize(), ReferenceOps.swiglu(gate, up)));
            float[] head = w.floats(c.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight");
            float[] expected = ReferenceOps.linear(head, c.vocabSize(), hidden,
                    ReferenceOps.rmsNorm(out, w.floats("model.norm.weight"), c.rmsNormEps()));
            assertArrayEquals(expected, new ReferenceModel(c, w).logits(new int[] {token})[0], 1e-6f,
                    c.architecture().name());
        }
    }

    @Test
    void handBuiltModelAveragesValuesUniformlyWhenQueriesAndKeysAreZero() {
        // hidden 4, one head of 4, q = k = 0 (uniform attention), v = o = identity, MLP off (down = 0),
        // norms 1, eps negligible. Embeddings: token 0 = (1,0,0,0), token 1 = (0,2,0,0).
        ArrayWeights w = HandModel.weights();
        w.put("model.layers.0.self_attn.v_proj.weight", new long[] {4, 4}, HandModel.identity(4));
        w.put("model.layers.0.self_attn.o_proj.weight", new long[] {4, 4}, HandModel.identity(4));
        float[][] logits = new ReferenceModel(HandModel.config(), w).logits(new int[] {0, 1});
        // Position 0: norm(1,0,0,0) = (2,0,0,0); attends to itself; h = (3,0,0,0); final norm (2,0,0,0).
        // lm_head rows: e0, e1, e2, e3, (1,1,1,1).
        assertArrayEquals(new float[] {2, 0, 0, 0, 2}, logits[0], 1e-5f);
        // Position 1: rms(0,2,0,0) = 1 so norm = (0,2,0,0); average with (2,0,0,0) = (1,1,0,0);
        // h = (1,3,0,0); rms = sqrt(10 / 4) = 1.5811388; final norm = (0.63245553, 1.8973666, 0, 0).
        assertArrayEquals(new float[] {0.63245553f, 1.8973666f, 0, 0, 2.5298221f}, logits[1], 1e-5f);
    }

    @Test
    void handBuiltModelRunsTheSwigluMlpOnTheResidual() {
        // Attention off (o = 0); gate = diag(1, -1, 0, 0), up = down = identity.
        ArrayWeights w = HandModel.weights();
        w.put("model.layers.0.mlp.gate_proj.weight", new long[] {4, 4},
                new float[] {1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        w.put("model.layers.0.mlp.up_proj.weight", new long[] {4, 4}, HandModel.identity(4));
        w.put("model.layers.0.mlp.down_proj.weight", new long[] {4, 4}, HandModel.identity(4));
        float[][] logits = new ReferenceModel(HandModel.config(), w).logits(new int[] {2});
        // token 2 = (1,1,0,0): norm = (s, s, 0, 0) with s = sqrt(2) = 1.4142136;
        // silu(s) * s = s^2 / (1 + e^-s) = 1.6088594, silu(-s) * s = -s^2 / (1 + e^s) = -0.39114064;
        // h = (2.6088594, 0.60885936, 0, 0); rms = sqrt((6.8061476 + 0.37070971) / 4) = 1.3394828;
        // final norm = (1.9476617, 0.4545481, 0, 0).
        assertArrayEquals(new float[] {1.9476617f, 0.4545481f, 0, 0, 2.4022098f}, logits[0], 1e-5f);
    }

    @Test
    void rejectsTokensOutsideTheVocabularyAndEmptyInput() {
        ModelConfig c = TinyModels.mistral();
        ReferenceModel model = new ReferenceModel(c, new RandomWeights(c, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.logits(new int[] {1, TinyModels.VOCAB}));
        assertTrue(e.getMessage().contains("position 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.logits(new int[] {-1}));
        assertThrows(IllegalArgumentException.class, () -> model.logits(new int[0]));
    }

    @Test
    void rejectsWeightsOfTheWrongSize() {
        ModelConfig c = TinyModels.llamaGqa();
        ArrayWeights w = ArrayWeights.copyOf(new RandomWeights(c, 0));
        w.put("model.layers.1.mlp.up_proj.weight", new long[] {64, 64}, new float[64 * 64]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReferenceModel(c, w));
        assertTrue(e.getMessage().contains("model.layers.1.mlp.up_proj.weight"), e.getMessage());
    }

    /** A one-layer, one-head model small enough to run on paper; tests fill in the projections they need. */
    static final class HandModel {
        static ModelConfig config() {
            return new ModelConfig(Architecture.LLAMA, 4, 1, 1, 1, 4, 4, 5, 1e-12, 10000.0, null, 128, false, false,
                    0, List.of(4));
        }

        /** Embeddings (1,0,0,0), (0,2,0,0), (1,1,0,0), ...; norms 1; every projection 0; lm_head e0..e3, (1,1,1,1). */
        static ArrayWeights weights() {
            ArrayWeights w = new ArrayWeights();
            w.put("model.embed_tokens.weight", new long[] {5, 4},
                    new float[] {1, 0, 0, 0, 0, 2, 0, 0, 1, 1, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4});
            w.put("model.layers.0.input_layernorm.weight", new long[] {4}, new float[] {1, 1, 1, 1});
            w.put("model.layers.0.post_attention_layernorm.weight", new long[] {4}, new float[] {1, 1, 1, 1});
            for (Projection p : Projection.values()) {
                w.put(p.path(0) + ".weight", new long[] {4, 4}, new float[16]);
            }
            w.put("model.norm.weight", new long[] {4}, new float[] {1, 1, 1, 1});
            float[] head = new float[20];
            System.arraycopy(identity(4), 0, head, 0, 16);
            Arrays.fill(head, 16, 20, 1f);
            w.put("lm_head.weight", new long[] {5, 4}, head);
            return w;
        }

        static float[] identity(int n) {
            float[] m = new float[n * n];
            for (int i = 0; i < n; i++) {
                m[i * n + i] = 1;
            }
            return m;
        }
    }
}
