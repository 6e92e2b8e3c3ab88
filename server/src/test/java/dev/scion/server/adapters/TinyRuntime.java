package dev.scion.server.adapters;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.runtime.KvCache;
import dev.scion.engine.runtime.LoraBatch;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.runtime.SequenceChunk;
import dev.scion.engine.runtime.Transformer;
import dev.scion.engine.weights.RandomWeights;
import dev.scion.server.adapters.cache.AdapterKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.List;

/** A real, very small Qwen2-shaped model with random weights, and real random adapters for it. */
public final class TinyRuntime {
    public static final int[] PROMPT = {3, 17, 42, 5};

    private TinyRuntime() {}

    public static ModelConfig config() {
        String json = "{\"architectures\":[\"Qwen2ForCausalLM\"],\"hidden_size\":64,\"num_hidden_layers\":2,"
                + "\"num_attention_heads\":4,\"num_key_value_heads\":2,\"intermediate_size\":128,"
                + "\"vocab_size\":128,\"max_position_embeddings\":64,\"tie_word_embeddings\":true}";
        try {
            return ModelConfig.fromJson(new ObjectMapper().readTree(json), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Transformer load() {
        ModelConfig config = config();
        try (RandomWeights weights = new RandomWeights(config, 1)) {
            return Transformer.load(config, weights, RuntimeOptions.CPU);
        }
    }

    /** The adapter a key stands for: same key, same values; the rank varies with the version. */
    public static LoraAdapter lora(ModelConfig config, AdapterKey key) {
        int rank = 2 + key.version() % 3;
        long seed = key.modelId().hashCode() * 31L + key.version();
        return RandomLora.create(key.modelId(), config, rank, EnumSet.allOf(Projection.class), seed, 1.0);
    }

    /** Logits after the prompt, through the adapter (or the base model when null); fails on a freed adapter. */
    public static float[] logits(Transformer model, DeviceAdapter adapter) {
        try (KvCache cache = new KvCache(model, 1, 16);
                LoraBatch batch = adapter == null ? LoraBatch.none() : LoraBatch.of(List.of(adapter), model)) {
            int index = adapter == null ? -1 : 0;
            return model.forward(List.of(new SequenceChunk(0, 0, PROMPT, index)), cache, batch).row(0);
        }
    }
}
