package dev.scion.engine.text;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the tokenizer of the embedded default model: a GPT-2 style byte-level BPE
 * {@code tokenizer.json} whose merges are learned from a few built-in English paragraphs, with
 * {@code <|endoftext|>}, {@code <|im_start|>} and {@code <|im_end|>} as special tokens at the end of
 * the vocabulary, and a {@code tokenizer_config.json} with a ChatML chat template. Same merge count,
 * same bytes: the JSON is written in a fixed order with {@code \n} line ends on every platform.
 */
public final class ByteLevelBpeBuilder {

    public static final List<String> SPECIAL_TOKENS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");
    public static final String CHAT_TEMPLATE = "{% for message in messages %}"
            + "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
            + "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
    /** Enough for any sensible toy vocabulary; the built-in text runs out of pairs long before. */
    public static final int MAX_MERGES = 100_000;

    private static final String TRAINING_TEXT = "bpe-training-text.txt";

    private ByteLevelBpeBuilder() {
    }

    /**
     * Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir} (created if
     * needed) and returns the vocabulary size, special tokens included. When the training text has
     * fewer distinct pairs left than {@code merges}, training stops early with fewer merges.
     */
    public static int write(Path dir, int merges) {
        return write(dir, merges, trainingText());
    }

    /** The same with merges learned from {@code text} (e.g. a pretraining corpus) instead of the built-in one. */
    public static int write(Path dir, int merges, String text) {
        if (merges < 0 || merges > MAX_MERGES) {
            throw new IllegalArgumentException("merges must be in 0.." + MAX_MERGES + ", got " + merges);
        }
        BpeTrainer.Result trained = BpeTrainer.train(ByteLevelAlphabet.PRE_TOKENIZER.matcher(text), merges);
        int vocabSize = trained.vocab().size() + SPECIAL_TOKENS.size();
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("tokenizer.json"), json(tokenizerJson(trained)));
            Files.write(dir.resolve("tokenizer_config.json"), json(tokenizerConfig(trained.vocab().size())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the tokenizer into " + dir, e);
        }
        return vocabSize;
    }

    private static ObjectNode tokenizerJson(BpeTrainer.Result trained) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
            added.add(addedToken(trained.vocab().size() + i, SPECIAL_TOKENS.get(i)));
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(false, true, true));
        root.set("post_processor", byteLevel(false, false, false));
        root.set("decoder", byteLevel(false, false, false));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < trained.vocab().size(); id++) {
            vocab.put(trained.vocab().get(id), id);
        }
        ArrayNode mergeList = model.putArray("merges");
        for (String[] pair : trained.merges()) {
            mergeList.addArray().add(pair[0]).add(pair[1]);
        }
        return root;
    }

    private static ObjectNode tokenizerConfig(int firstSpecialId) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode config = f.objectNode();
        config.put("add_bos_token", false);
        config.put("add_prefix_space", false);
        ObjectNode decoder = config.putObject("added_tokens_decoder");
        for (int i = 0; i < SPECIAL_TOKENS.size(); i++) {
            ObjectNode token = addedToken(firstSpecialId + i, SPECIAL_TOKENS.get(i));
            token.remove("id");
            decoder.set(String.valueOf(firstSpecialId + i), token);
        }
        config.putArray("additional_special_tokens").add("<|im_start|>").add("<|im_end|>");
        config.putNull("bos_token");
        config.put("chat_template", CHAT_TEMPLATE);
        config.put("clean_up_tokenization_spaces", false);
        config.put("eos_token", "<|im_end|>");
        config.put("errors", "replace");
        config.put("model_max_length", 32768);
        config.put("pad_token", "<|endoftext|>");
        config.put("split_special_tokens", false);
        config.put("tokenizer_class", "Qwen2Tokenizer");
        config.putNull("unk_token");
        return config;
    }

    private static ObjectNode addedToken(int id, String content) {
        ObjectNode token = JsonNodeFactory.instance.objectNode();
        token.put("id", id);
        token.put("content", content);
        token.put("single_word", false);
        token.put("lstrip", false);
        token.put("rstrip", false);
        token.put("normalized", false);
        token.put("special", true);
        return token;
    }

    private static ObjectNode byteLevel(boolean addPrefixSpace, boolean trimOffsets, boolean useRegex) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", addPrefixSpace);
        node.put("trim_offsets", trimOffsets);
        node.put("use_regex", useRegex);
        return node;
    }

    private static byte[] json(ObjectNode node) throws IOException {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        String text = new ObjectMapper().writer(printer).writeValueAsString(node) + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The built-in paragraphs, with line ends made {@code \n} so a CRLF checkout builds the same bytes. */
    static String trainingText() {
        try (InputStream in = ByteLevelBpeBuilder.class.getResourceAsStream(TRAINING_TEXT)) {
            if (in == null) {
                throw new IllegalStateException("resource " + TRAINING_TEXT + " is missing from the engine jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + TRAINING_TEXT, e);
        }
    }
}
