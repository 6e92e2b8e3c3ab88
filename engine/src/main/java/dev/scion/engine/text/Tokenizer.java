package dev.scion.engine.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
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
 *
 * <p>Encoding reads only the ids back from the native library and frees its encoding at once: DJL's own
 * {@code encode} also copies every token's string, offsets and masks into Java, several times the ids' memory. A
 * text can be held to a token budget ({@link #encode(String, int)}) and is then refused by its size before any
 * tokenizing when it has more bytes than the budget's tokens can stand for.
 */
public final class Tokenizer implements AutoCloseable {

    /** A tokenizer.json larger than this is not a tokenizer; refusing it bounds memory. */
    private static final long MAX_FILE_BYTES = 512L * 1024 * 1024;

    private final HuggingFaceTokenizer huggingFace;
    private final Vocabulary vocabulary;
    private final Path file;
    private TokenBytes tokenBytes; // built on first use: only constrained decoding needs it

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
        if (text == null) {
            throw new NullPointerException("text");
        }
        long encoding = TokenizersLibrary.LIB.encode(huggingFace.getHandle(), text, false);
        long[] ids;
        try {
            ids = TokenizersLibrary.LIB.getTokenIds(encoding);
        } finally {
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    /**
     * Encodes a text that must fit in {@code maxTokens}. A text with more UTF-8 bytes than {@link #maxTextBytes} of
     * the budget is refused before it is tokenized, so an oversized text costs a scan of its characters, not a
     * tokenization; one that encodes to more tokens is refused after.
     *
     * @throws TextTooLongException either way
     */
    public int[] encode(String text, int maxTokens) {
        long limit = maxTextBytes(maxTokens);
        if (text.length() > limit) { // every UTF-16 unit is at least one UTF-8 byte
            throw new TextTooLongException(-1, maxTokens, text.length(), limit);
        }
        long bytes = utf8Length(text);
        if (bytes > limit) {
            throw new TextTooLongException(-1, maxTokens, bytes, limit);
        }
        int[] ids = encode(text);
        if (ids.length > maxTokens) {
            throw new TextTooLongException(ids.length, maxTokens, bytes, limit);
        }
        return ids;
    }

    /**
     * The most input bytes one token of this tokenizer can stand for (its longest vocabulary entry, times what its
     * normalizer can shrink), or 0 when its pipeline can drop text and no such bound exists.
     */
    public int maxBytesPerToken() {
        return vocabulary.bytesPerToken();
    }

    /** The most UTF-8 bytes a text of at most {@code tokens} tokens can have; Long.MAX_VALUE when unbounded. */
    public long maxTextBytes(int tokens) {
        int perToken = vocabulary.bytesPerToken();
        return perToken == TextBound.UNBOUNDED ? Long.MAX_VALUE : (long) Math.max(tokens, 0) * perToken;
    }

    /** UTF-8 length without encoding: one byte per ASCII char, two below U+0800, four per surrogate pair, else three. */
    static long utf8Length(String text) {
        long bytes = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3; // a lone surrogate becomes U+FFFD, three bytes
            }
        }
        return bytes;
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

    /**
     * What each token id writes into the decoded text, for constrained decoding.
     *
     * @throws IllegalArgumentException for a tokenizer that is neither byte-level nor SentencePiece-style
     */
    public synchronized TokenBytes tokenBytes() {
        if (tokenBytes == null) {
            tokenBytes = TokenBytes.of(vocabulary, file.toString());
        }
        return tokenBytes;
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
