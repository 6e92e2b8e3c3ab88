package dev.scion.engine.reference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.model.Architecture;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.RopeScaling;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configs of tiny models, one per case the runtime must get right, small enough that the plain-Java
 * {@link ReferenceModel} runs them in milliseconds. Pair them with
 * {@link dev.scion.engine.weights.RandomWeights}.
 */
public final class TinyModels {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static final int VOCAB = 320;
    public static final int BOS = 1;
    public static final int EOS = 2;

    private TinyModels() {}

    /** Llama with grouped-query attention (2 query heads per kv head) and a separate lm_head. */
    public static ModelConfig llamaGqa() {
        return new ModelConfig(Architecture.LLAMA, 64, 2, 4, 2, 16, 128, VOCAB, 1e-5, 10000.0, null, 2048,
                false, false, BOS, List.of(EOS));
    }

    /**
     * Llama 3.1's "llama3" rope scaling, tuned so the 8 frequency pairs of a 16-wide head fall in
     * all three bands: kept (wavelength under 16), blended (16..64) and slowed by the factor (over 64).
     */
    public static ModelConfig llamaRopeScaled() {
        RopeScaling llama3 = new RopeScaling("llama3", 8.0, 1.0, 4.0, 64);
        return new ModelConfig(Architecture.LLAMA, 64, 2, 4, 2, 16, 128, VOCAB, 1e-5, 500000.0, llama3, 4096,
                false, false, BOS, List.of(EOS, 3));
    }

    /** Mistral with a single kv head shared by all four query heads (multi-query attention). */
    public static ModelConfig mistral() {
        return new ModelConfig(Architecture.MISTRAL, 64, 2, 4, 1, 16, 128, VOCAB, 1e-5, 1000000.0, null, 4096,
                false, false, BOS, List.of(EOS));
    }

    /** Qwen2: bias on q, k and v; lm_head tied to the embedding; three layers. */
    public static ModelConfig qwen2() {
        return new ModelConfig(Architecture.QWEN2, 64, 3, 4, 2, 16, 96, VOCAB, 1e-6, 1000000.0, null, 4096,
                true, false, BOS, List.of(EOS, 3));
    }

    /** Qwen3: q_norm/k_norm per head, head_dim 32 while hidden/heads is 16, tied embedding. */
    public static ModelConfig qwen3() {
        return new ModelConfig(Architecture.QWEN3, 64, 2, 4, 2, 32, 128, VOCAB, 1e-6, 1000000.0, null, 4096,
                true, false, BOS, List.of(EOS));
    }

    /** The shape of Qwen2.5-0.5B (not tiny): only for tests of producing or loading big tensors. */
    public static ModelConfig qwen2HalfBillionShape() {
        return new ModelConfig(Architecture.QWEN2, 896, 24, 14, 2, 64, 4864, 151936, 1e-6, 1000000.0, null, 32768,
                true, false, 151643, List.of(151645, 151643));
    }

    /** Every tiny model by a short name, for parameterized tests. */
    public static Map<String, ModelConfig> all() {
        Map<String, ModelConfig> m = new LinkedHashMap<>();
        m.put("llama-gqa", llamaGqa());
        m.put("llama-rope-scaled", llamaRopeScaled());
        m.put("mistral", mistral());
        m.put("qwen2", qwen2());
        m.put("qwen3", qwen3());
        return m;
    }

    /** The {@code config.json} Hugging Face transformers would write for this config. */
    public static String configJson(ModelConfig c) {
        ObjectNode o = JSON.createObjectNode();
        o.putArray("architectures").add(c.architecture().hfName());
        o.put("model_type", modelType(c.architecture()));
        o.put("hidden_size", c.hiddenSize());
        o.put("intermediate_size", c.intermediateSize());
        o.put("num_hidden_layers", c.numLayers());
        o.put("num_attention_heads", c.numHeads());
        o.put("num_key_value_heads", c.numKvHeads());
        o.put("head_dim", c.headDim());
        o.put("hidden_act", "silu");
        o.put("max_position_embeddings", c.maxPositionEmbeddings());
        o.put("rms_norm_eps", c.rmsNormEps());
        o.put("rope_theta", c.ropeTheta());
        RopeScaling s = c.ropeScaling();
        if (s == null) {
            o.putNull("rope_scaling");
        } else {
            ObjectNode r = o.putObject("rope_scaling");
            r.put("rope_type", s.type());
            r.put("factor", s.factor());
            if (s.type().equals("llama3")) {
                r.put("low_freq_factor", s.lowFreqFactor());
                r.put("high_freq_factor", s.highFreqFactor());
                r.put("original_max_position_embeddings", s.originalMaxPositionEmbeddings());
            }
        }
        o.put("tie_word_embeddings", c.tieWordEmbeddings());
        o.put("attention_bias", c.attentionBias());
        o.put("bos_token_id", c.bosTokenId());
        if (c.eosTokenIds().size() == 1) {
            o.put("eos_token_id", c.eosTokenIds().get(0));
        } else {
            ArrayNode eos = o.putArray("eos_token_id");
            c.eosTokenIds().forEach(eos::add);
        }
        o.put("vocab_size", c.vocabSize());
        o.put("torch_dtype", "float32");
        o.put("use_cache", true);
        try {
            return JSON.writeValueAsString(o) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain values always serialises", e);
        }
    }

    private static String modelType(Architecture a) {
        switch (a) {
            case LLAMA:
                return "llama";
            case MISTRAL:
                return "mistral";
            case QWEN2:
                return "qwen2";
            case QWEN3:
                return "qwen3";
            default:
                throw new IllegalArgumentException("no model_type for " + a);
        }
    }
}
