package dev.scion.engine.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A two-layer LlamaForCausalLM small enough to write in a test: hidden 8, 2 heads of 4 (1 kv head),
 * MLP 12, vocabulary 16. Values are random but exactly representable in the chosen dtype.
 */
public final class TinyLlama {

    public static final String CONFIG_JSON = "{\n"
            + "  \"architectures\": [\"LlamaForCausalLM\"],\n"
            + "  \"model_type\": \"llama\",\n"
            + "  \"hidden_size\": 8,\n"
            + "  \"intermediate_size\": 12,\n"
            + "  \"num_hidden_layers\": 2,\n"
            + "  \"num_attention_heads\": 2,\n"
            + "  \"num_key_value_heads\": 1,\n"
            + "  \"head_dim\": 4,\n"
            + "  \"vocab_size\": 16,\n"
            + "  \"rms_norm_eps\": 1e-05,\n"
            + "  \"rope_theta\": 10000.0,\n"
            + "  \"max_position_embeddings\": 64,\n"
            + "  \"tie_word_embeddings\": false,\n"
            + "  \"bos_token_id\": 1,\n"
            + "  \"eos_token_id\": 2,\n"
            + "  \"torch_dtype\": \"bfloat16\"\n"
            + "}\n";

    private TinyLlama() {}

    public static ModelConfig config() {
        try {
            return ModelConfig.fromJson(new ObjectMapper().readTree(CONFIG_JSON), null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every tensor of the model with its HF name and shape, filled from {@code seed}. */
    public static Map<String, TensorData> tensors(DType dtype, long seed) {
        Random random = new Random(seed);
        Map<String, TensorData> t = new LinkedHashMap<>();
        t.put("model.embed_tokens.weight", random(dtype, random, 16, 8));
        for (int layer = 0; layer < 2; layer++) {
            String p = "model.layers." + layer + ".";
            t.put(p + "input_layernorm.weight", random(dtype, random, 8));
            t.put(p + "self_attn.q_proj.weight", random(dtype, random, 8, 8));
            t.put(p + "self_attn.k_proj.weight", random(dtype, random, 4, 8));
            t.put(p + "self_attn.v_proj.weight", random(dtype, random, 4, 8));
            t.put(p + "self_attn.o_proj.weight", random(dtype, random, 8, 8));
            t.put(p + "post_attention_layernorm.weight", random(dtype, random, 8));
            t.put(p + "mlp.gate_proj.weight", random(dtype, random, 12, 8));
            t.put(p + "mlp.up_proj.weight", random(dtype, random, 12, 8));
            t.put(p + "mlp.down_proj.weight", random(dtype, random, 8, 12));
        }
        t.put("model.norm.weight", random(dtype, random, 8));
        t.put("lm_head.weight", random(dtype, random, 16, 8));
        return t;
    }

    /** Writes config.json, generation_config.json, a tokenizer stand-in and model.safetensors. */
    public static Map<String, TensorData> writeCheckpoint(Path dir, DType dtype, long seed) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), CONFIG_JSON);
        Files.writeString(dir.resolve("generation_config.json"), "{\"bos_token_id\": 1, \"eos_token_id\": [2, 3]}\n");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"model_max_length\": 64}\n");
        Map<String, TensorData> tensors = tensors(dtype, seed);
        SafetensorsWriter.write(dir.resolve(Checkpoint.SINGLE_FILE), tensors, Map.of("format", "pt"));
        return tensors;
    }

    private static TensorData random(DType dtype, Random random, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = representable(dtype, (float) random.nextGaussian() * 0.5f);
        }
        return new TensorData(dtype, shape, v);
    }

    /** The value as it reads back after being stored in {@code dtype}. */
    public static float representable(DType dtype, float x) {
        switch (dtype) {
            case F16:
                return HalfFloats.f16ToFloat(HalfFloats.floatToF16(x));
            case BF16:
                return HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(x));
            default:
                return x;
        }
    }
}
