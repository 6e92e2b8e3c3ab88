package dev.scion.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape and numerics of a checkpoint, read from Hugging Face's {@code config.json} (and the
 * eos ids of {@code generation_config.json}). Validated once here so the runtime can trust it.
 *
 * @param eosTokenIds every id that ends generation (generation_config.json wins over config.json)
 */
public record ModelConfig(
        Architecture architecture,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int intermediateSize,
        int vocabSize,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        boolean attentionBias,
        int bosTokenId,
        List<Integer> eosTokenIds) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ModelConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
        require(hiddenSize > 0, "hidden_size must be positive");
        require(numLayers > 0, "num_hidden_layers must be positive");
        require(numHeads > 0, "num_attention_heads must be positive");
        require(numKvHeads > 0 && numHeads % numKvHeads == 0,
                "num_key_value_heads (" + numKvHeads + ") must divide num_attention_heads (" + numHeads + ")");
        require(headDim > 0 && headDim % 2 == 0, "head_dim must be a positive even number, got " + headDim);
        require(intermediateSize > 0, "intermediate_size must be positive");
        require(vocabSize > 0, "vocab_size must be positive");
        require(rmsNormEps > 0, "rms_norm_eps must be positive");
        require(ropeTheta > 0, "rope_theta must be positive");
        require(maxPositionEmbeddings > 0, "max_position_embeddings must be positive");
    }

    /** Whether q, k and v carry a bias: Qwen2 always, Llama/Mistral when attention_bias is set. */
    public boolean qkvBias() {
        return attentionBias || architecture.qkvBias();
    }

    public int qDim() {
        return numHeads * headDim;
    }

    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** Reads {@code config.json} and, when present, {@code generation_config.json} from a checkpoint folder. */
    public static ModelConfig load(Path checkpointDir) throws IOException {
        Path configFile = checkpointDir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException(configFile + ": not found; a checkpoint folder needs config.json");
        }
        JsonNode config = readJson(configFile);
        Path genFile = checkpointDir.resolve("generation_config.json");
        JsonNode generation = Files.isRegularFile(genFile) ? readJson(genFile) : null;
        try {
            return fromJson(config, generation);
        } catch (ModelFormatException e) {
            throw new ModelFormatException(configFile + ": " + e.getMessage());
        }
    }

    private static JsonNode readJson(Path file) throws IOException {
        try {
            JsonNode node = JSON.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new ModelFormatException(file + ": expected a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ModelFormatException(file + ": invalid JSON: " + e.getOriginalMessage());
        }
    }

    /** Builds a config from parsed {@code config.json} and optional {@code generation_config.json}. */
    public static ModelConfig fromJson(JsonNode c, JsonNode generation) {
        JsonNode archs = c.get("architectures");
        if (archs == null || !archs.isArray() || archs.isEmpty()) {
            throw new ModelFormatException("missing \"architectures\"; supported: " + Architecture.supportedNames());
        }
        String archName = archs.get(0).asText();
        Architecture arch = Architecture.fromHfName(archName);
        if (arch == null) {
            throw new ModelFormatException("unsupported architecture " + archName + "; supported: "
                    + Architecture.supportedNames());
        }
        int hidden = intField(c, "hidden_size");
        int heads = intField(c, "num_attention_heads");
        int kvHeads = intField(c, "num_key_value_heads", heads);
        int headDim = c.hasNonNull("head_dim") ? intField(c, "head_dim") : (heads > 0 ? hidden / heads : -1);
        List<Integer> eos = eosIds(generation != null && generation.hasNonNull("eos_token_id") ? generation : c);
        int bos = intField(c, "bos_token_id", -1);
        return new ModelConfig(
                arch,
                hidden,
                intField(c, "num_hidden_layers"),
                heads,
                kvHeads,
                headDim,
                intField(c, "intermediate_size"),
                intField(c, "vocab_size"),
                doubleField(c, "rms_norm_eps", 1e-6),
                doubleField(c, "rope_theta", 10000.0),
                ropeScaling(c.get("rope_scaling"), doubleField(c, "rope_theta", 10000.0)),
                intField(c, "max_position_embeddings", 2048),
                c.path("tie_word_embeddings").asBoolean(false),
                c.path("attention_bias").asBoolean(false),
                bos,
                eos);
    }

    private static RopeScaling ropeScaling(JsonNode node, double theta) {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = node.hasNonNull("rope_type") ? node.get("rope_type").asText() : node.path("type").asText("");
        switch (type) {
            case "default":
                return null;
            case "linear":
                return new RopeScaling("linear", positive(node, "factor"), 0, 0, 0);
            case "llama3":
                return new RopeScaling("llama3", positive(node, "factor"), positive(node, "low_freq_factor"),
                        positive(node, "high_freq_factor"), (int) positive(node, "original_max_position_embeddings"));
            default:
                throw new ModelFormatException("rope_scaling type \"" + type
                        + "\" is not supported; supported: linear, llama3");
        }
    }

    private static double positive(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber() || v.asDouble() <= 0) {
            throw new ModelFormatException("rope_scaling." + field + " must be a positive number");
        }
        return v.asDouble();
    }

    private static List<Integer> eosIds(JsonNode node) {
        JsonNode v = node.get("eos_token_id");
        List<Integer> ids = new ArrayList<>();
        if (v == null || v.isNull()) {
            return ids;
        }
        if (v.isArray()) {
            v.forEach(x -> ids.add(x.asInt()));
        } else if (v.isIntegralNumber()) {
            ids.add(v.asInt());
        } else {
            throw new ModelFormatException("eos_token_id must be an integer or a list of integers");
        }
        return ids;
    }

    private static int intField(JsonNode c, String field) {
        if (c.get(field) == null || c.get(field).isNull()) {
            throw new ModelFormatException("missing required field \"" + field + "\"");
        }
        return intField(c, field, 0);
    }

    private static int intField(JsonNode c, String field, int dflt) {
        JsonNode v = c.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber()) {
            throw new ModelFormatException("field \"" + field + "\" must be an integer, got " + v);
        }
        return v.asInt();
    }

    private static double doubleField(JsonNode c, String field, double dflt) {
        JsonNode v = c.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            throw new ModelFormatException("field \"" + field + "\" must be a number, got " + v);
        }
        return v.asDouble();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new ModelFormatException(message);
        }
    }
}
