package dev.scion.engine.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.scion.engine.model.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer (DJL's native binding of the Rust library).
 * Nothing is added around the text: prompts rendered from a chat template already carry their
 * special tokens. Added tokens written in the text (such as {@code <|im_start|>}) still encode to
 * their single id, as Hugging Face does. Texts are never truncated or padded.
 */
public final class Tokenizer implements AutoCloseable {

    /** A tokenizer.json larger than this is not a tokenizer; refusing it bounds memory. */
    private static final long MAX_FILE_BYTES = 512L * 1024 * 1024;

    private final HuggingFaceTokenizer huggingFace;
    private final Vocabulary vocabulary;
    private final Path file;

    private Tokenizer(HuggingFaceTokenizer nativeTokenizer, Vocabulary vocabulary, Path file) {
        this.huggingFace = nativeTokenizer;
        this.vocabulary = vocabulary;
        this.file = file;
    }

    public static Tokenizer load(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new ModelFormatException("tokenizer file " + tokenizerJson + " does not exist or is not a file");
        }
        try {
            long bytes = Files.size(tokenizerJson);
            if (bytes > MAX_FILE_BYTES) {
                throw new ModelFormatException("tokenizer file " + tokenizerJson + " is " + bytes
                        + " bytes, more than the " + MAX_FILE_BYTES + " a tokenizer can be");
            }
        } catch (IOException e) {
            throw new ModelFormatException("tokenizer file " + tokenizerJson + " cannot be read: " + e.getMessage(), e);
        }
        // Parsing the JSON ourselves first gives errors that name the field, which the native library does not.
        Vocabulary vocabulary = Vocabulary.read(tokenizerJson);
        // modelMaxLength only matters for truncation, which is off; setting it high silences DJL's 512 default.
        Map<String, String> options = Map.of(
                "addSpecialTokens", "false",
                "truncation", "false",
                "padding", "false",
                "modelMaxLength", String.valueOf(Integer.MAX_VALUE));
        HuggingFaceTokenizer nativeTokenizer;
        try {
            nativeTokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, options);
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException("tokenizer file " + tokenizerJson + " is not a valid Hugging Face tokenizer: "
                    + e.getMessage(), e);
        }
        return new Tokenizer(nativeTokenizer, vocabulary, tokenizerJson);
    }

    public int[] encode(String text) {
        long[] ids = huggingFace.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    public String decode(int[] ids, boolean skipSpecialTokens) {
        return decode(ids, 0, ids.length, skipSpecialTokens);
    }

    /** Decodes {@code ids[from, to)}; the streaming decoder uses this on a window of recent tokens. */
    public String decode(int[] ids, int from, int to, boolean skipSpecialTokens) {
        long[] wide = new long[to - from];
        for (int i = from; i < to; i++) {
            int id = ids[i];
            if (id < 0 || id >= vocabulary.size()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of "
                        + vocabulary.size() + " of " + file);
            }
            wide[i - from] = id;
        }
        return huggingFace.decode(wide, skipSpecialTokens);
    }

    /** One more than the largest id, added tokens included. */
    public int vocabSize() {
        return vocabulary.size();
    }

    /** The id of a vocabulary entry as it is stored (byte-level form, e.g. {@code "Ġhello"}), or null. */
    public Integer tokenId(String token) {
        return vocabulary.idsByToken().get(token);
    }

    /** The stored vocabulary entry of an id (byte-level form), or null for an unused id. */
    public String token(int id) {
        checkId(id);
        return vocabulary.tokens()[id];
    }

    /** True for added tokens marked special, the ones {@code decode(ids, true)} leaves out. */
    public boolean isSpecial(int id) {
        checkId(id);
        return vocabulary.special()[id];
    }

    public Path file() {
        return file;
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocabulary.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of "
                    + vocabulary.size() + " of " + file);
        }
    }

    @Override
    public void close() {
        huggingFace.close();
    }
}
