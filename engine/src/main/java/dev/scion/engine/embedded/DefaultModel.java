package dev.scion.engine.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.text.ByteLevelBpeBuilder;
import dev.scion.engine.text.Tokenizer;
import dev.scion.engine.weights.DType;
import dev.scion.engine.weights.RandomWeights;
import dev.scion.engine.weights.SafetensorsWriter;
import dev.scion.engine.weights.TensorData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The model Scion runs when no {@code --model} is given: a tiny Qwen2-architecture checkpoint with
 * random weights, a byte-level BPE tokenizer trained on built-in English text, and a ChatML chat
 * template. Nothing is downloaded: it is generated deterministically on first use into a cache
 * folder, written completely under a temporary name and then renamed, so a crash mid-way never
 * leaves a half model. Its text is gibberish until an adapter is trained on it.
 */
public final class DefaultModel {
    /** Bump when anything below changes, so caches of an older layout are not reused. */
    public static final String VERSION = "scion-tiny-v1";
    public static final long SEED = 20261122L;
    static final int MERGES = 1500;

    private DefaultModel() {}

    /**
     * The default cache folder: {@code <scion.home>/models} (system property, for embedding and tests),
     * else {@code $SCION_HOME/models}, else {@code ~/.cache/scion/models}.
     */
    public static Path defaultCacheRoot() {
        String home = System.getProperty("scion.home", System.getenv("SCION_HOME"));
        Path root = home != null && !home.isBlank()
                ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".cache", "scion");
        return root.resolve("models");
    }

    /** Returns the folder of the embedded model under {@code cacheRoot}, generating it if absent. */
    public static Path ensure(Path cacheRoot) {
        Path dir = cacheRoot.resolve(VERSION);
        if (Files.isRegularFile(dir.resolve("model.safetensors")) && Files.isRegularFile(dir.resolve("config.json"))) {
            return dir;
        }
        try {
            Files.createDirectories(cacheRoot);
            Path tmp = Files.createTempDirectory(cacheRoot, "." + VERSION + "-");
            try {
                writeTo(tmp);
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                    // another process generated it first; theirs is identical
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("cannot rename " + tmp + " to " + dir + " atomically", e);
                }
            } finally {
                deleteRecursively(tmp);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not generate the embedded model in " + cacheRoot, e);
        }
    }

    /** Writes the complete checkpoint folder (config, generation config, tokenizer, weights) into {@code dir}. */
    public static void writeTo(Path dir) throws IOException {
        ModelConfig modelConfig = writeConfig(dir, ModelShape.embeddedDefault(), null);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        try (RandomWeights weights = new RandomWeights(modelConfig, SEED)) {
            for (String name : RandomWeights.tensorNames(modelConfig)) {
                tensors.put(name, new TensorData(DType.F32, RandomWeights.shape(modelConfig, name), weights.floats(name)));
            }
        }
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt", "scion", VERSION));
    }

    /**
     * Writes a model folder's tokenizer (byte-level BPE with {@code shape.merges()} merges learned from
     * {@code tokenizerText}, or from the built-in paragraphs when null), chat template, config.json and
     * generation_config.json; the weights are the caller's. Returns the config as the runtime reads it.
     */
    public static ModelConfig writeConfig(Path dir, ModelShape shape, String tokenizerText) throws IOException {
        int vocabSize = tokenizerText == null ? ByteLevelBpeBuilder.write(dir, shape.merges())
                : ByteLevelBpeBuilder.write(dir, shape.merges(), tokenizerText);
        int imEnd;
        int endOfText;
        try (Tokenizer tokenizer = Tokenizer.load(dir.resolve("tokenizer.json"))) {
            imEnd = tokenizer.tokenId("<|im_end|>");
            endOfText = tokenizer.tokenId("<|endoftext|>");
        }
        ObjectMapper json = new ObjectMapper();
        int paddedVocab = (vocabSize + 63) / 64 * 64; // like real checkpoints, a round embedding size
        ObjectNode config = json.createObjectNode();
        config.putArray("architectures").add("Qwen2ForCausalLM");
        config.put("model_type", "qwen2");
        config.put("hidden_size", shape.hiddenSize());
        config.put("num_hidden_layers", shape.layers());
        config.put("num_attention_heads", shape.heads());
        config.put("num_key_value_heads", shape.kvHeads());
        config.put("intermediate_size", shape.intermediateSize());
        config.put("vocab_size", paddedVocab);
        config.put("rms_norm_eps", 1e-6);
        config.put("rope_theta", 10000.0);
        config.put("max_position_embeddings", shape.maxPositions());
        config.put("tie_word_embeddings", true);
        config.put("hidden_act", "silu");
        config.put("torch_dtype", "float32");
        config.put("bos_token_id", endOfText);
        config.putArray("eos_token_id").add(imEnd).add(endOfText);
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("config.json").toFile(), config);
        ObjectNode generation = json.createObjectNode();
        generation.put("bos_token_id", endOfText);
        generation.putArray("eos_token_id").add(imEnd).add(endOfText);
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("generation_config.json").toFile(), generation);
        return ModelConfig.load(dir);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static List<String> files() {
        return List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
                "model.safetensors");
    }
}
