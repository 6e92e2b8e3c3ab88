package dev.scion.engine.runtime;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.model.ModelConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScratchForwardTest {
    static ModelConfig cfg() throws Exception {
        String json = "{\"architectures\":[\"Qwen2ForCausalLM\"],\"hidden_size\":32,\"num_hidden_layers\":2,"
                + "\"num_attention_heads\":4,\"num_key_value_heads\":2,\"intermediate_size\":64,\"vocab_size\":50,"
                + "\"rms_norm_eps\":1e-6,\"rope_theta\":10000,\"max_position_embeddings\":64,\"tie_word_embeddings\":true,"
                + "\"eos_token_id\":1}";
        return ModelConfig.fromJson(new ObjectMapper().readTree(json), null);
    }

    @Test
    void kvCacheAndBatchAgree() throws Exception {
        ModelConfig c = cfg();
        try (Transformer m = Transformer.load(c, new ScratchWeights(c, 7), RuntimeOptions.CPU);
                KvCache cache = new KvCache(m, 4, 64)) {
            int[] prompt = {3, 9, 4, 17, 22};
            float[] full = m.forward(List.of(new SequenceChunk(0, 0, prompt, -1)), cache, LoraBatch.none())[0];
            float[] part = m.forward(List.of(new SequenceChunk(1, 0, new int[] {3, 9, 4}, -1)), cache, LoraBatch.none())[0];
            float[][] two = m.forward(List.of(new SequenceChunk(1, 3, new int[] {17}, -1), new SequenceChunk(2, 0, new int[] {5, 6}, -1)), cache, LoraBatch.none());
            float[] last = m.forward(List.of(new SequenceChunk(2, 2, new int[] {7}, -1), new SequenceChunk(1, 4, new int[] {22}, -1)), cache, LoraBatch.none())[1];
            for (int i = 0; i < full.length; i++) assertEquals(full[i], last[i], 1e-4, "logit " + i);
            float[] solo = m.forward(List.of(new SequenceChunk(3, 0, new int[] {5, 6}, -1)), cache, LoraBatch.none())[0];
            for (int i = 0; i < solo.length; i++) assertEquals(solo[i], two[1][i], 1e-4);
            assertNotEquals(full[0], part[0]);
        }
    }
}
