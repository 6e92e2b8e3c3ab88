package dev.scion.engine.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.model.Architecture;
import dev.scion.engine.model.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyModelsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void configJsonParsesBackToTheSameConfigForEveryModel() throws Exception {
        Map<String, ModelConfig> models = new LinkedHashMap<>(TinyModels.all());
        models.put("qwen2-0.5b-shape", TinyModels.qwen2HalfBillionShape());
        for (Map.Entry<String, ModelConfig> e : models.entrySet()) {
            JsonNode json = JSON.readTree(TinyModels.configJson(e.getValue()));
            assertEquals(e.getValue(), ModelConfig.fromJson(json, null), e.getKey());
        }
    }

    @Test
    void configJsonLoadsFromACheckpointFolder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), TinyModels.configJson(TinyModels.llamaRopeScaled()));
        assertEquals(TinyModels.llamaRopeScaled(), ModelConfig.load(dir));
    }

    @Test
    void configJsonUsesHuggingFaceFieldNamesAndForms() throws Exception {
        JsonNode llama3 = JSON.readTree(TinyModels.configJson(TinyModels.llamaRopeScaled()));
        assertEquals("LlamaForCausalLM", llama3.get("architectures").get(0).asText());
        assertEquals("llama", llama3.get("model_type").asText());
        assertEquals("llama3", llama3.get("rope_scaling").get("rope_type").asText());
        assertEquals(64, llama3.get("rope_scaling").get("original_max_position_embeddings").asInt());
        assertTrue(llama3.get("eos_token_id").isArray());
        JsonNode qwen3 = JSON.readTree(TinyModels.configJson(TinyModels.qwen3()));
        assertEquals(32, qwen3.get("head_dim").asInt());
        assertTrue(qwen3.get("tie_word_embeddings").asBoolean());
        assertTrue(qwen3.get("rope_scaling").isNull());
        assertTrue(qwen3.get("eos_token_id").isIntegralNumber());
    }

    @Test
    void tinyModelsCoverEveryArchitectureAndCase() {
        Map<String, ModelConfig> all = TinyModels.all();
        for (Architecture a : Architecture.values()) {
            assertTrue(all.values().stream().anyMatch(c -> c.architecture() == a), a.name());
        }
        assertTrue(all.values().stream().anyMatch(c -> c.numKvHeads() < c.numHeads()), "grouped kv heads");
        assertTrue(all.values().stream().anyMatch(c -> c.ropeScaling() != null), "rope scaling");
        assertTrue(all.values().stream().anyMatch(ModelConfig::tieWordEmbeddings), "tied");
        assertTrue(all.values().stream().anyMatch(c -> !c.tieWordEmbeddings()), "untied");
        ModelConfig qwen3 = TinyModels.qwen3();
        assertNotEquals(qwen3.hiddenSize() / qwen3.numHeads(), qwen3.headDim(), "explicit head_dim");
        for (ModelConfig c : all.values()) {
            assertTrue(c.vocabSize() >= 256 && c.numLayers() >= 2 && !c.eosTokenIds().isEmpty());
        }
    }
}
