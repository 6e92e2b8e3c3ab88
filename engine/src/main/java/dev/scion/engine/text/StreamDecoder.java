package dev.scion.engine.text;

import java.util.Arrays;

/**
 * Turns one sequence's generated token ids into text as they arrive, without ever emitting half
 * of a multi-byte UTF-8 character: a Chinese character or an emoji often spans several byte-level
 * tokens, and decoding them one at a time would show U+FFFD.
 *
 * <p>Each step decodes only a short window of recent tokens (the previously emitted chunk, as
 * context, plus the tokens not yet emitted) and emits the text beyond the context, the approach of
 * Hugging Face TGI and vLLM. Decoding the context too keeps decoders that treat the first token
 * specially (SentencePiece's leading-space strip) consistent with a whole-sequence decode. The
 * concatenation of every {@link #push} and the final {@link #flush} equals
 * {@code tokenizer.decode(allIds, skipSpecialTokens)}.
 *
 * <p>Text that still ends in U+FFFD is held back, because the next token may complete the
 * character. A valid character has at most four bytes, so after {@link #MAX_PENDING} held tokens
 * the bytes are invalid for good and the text is emitted as it is; this bounds the window for a
 * model that emits garbage bytes.
 */
public final class StreamDecoder {

    static final int MAX_PENDING = 16;
    private static final char REPLACEMENT = '\uFFFD';

    private final Tokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private int[] window = new int[32]; // (size) the emitted context chunk, then the held tokens
    private int size;
    private int contextEnd;             // window[0, contextEnd) was emitted before and decodes to contextText
    private String contextText = "";

    public StreamDecoder(Tokenizer tokenizer) {
        this(tokenizer, true);
    }

    public StreamDecoder(Tokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Adds one token and returns the text it completes, possibly empty. */
    public String push(int tokenId) {
        if (size == window.length) {
            window = Arrays.copyOf(window, size * 2);
        }
        window[size++] = tokenId;
        String text;
        try {
            text = tokenizer.decode(window, 0, size, skipSpecialTokens);
        } catch (IllegalArgumentException e) {
            size--;
            throw e;
        }
        boolean grew = text.length() > contextText.length();
        boolean complete = grew && text.charAt(text.length() - 1) != REPLACEMENT;
        if (!complete && size - contextEnd < MAX_PENDING) {
            return "";
        }
        String delta = grew ? text.substring(contextText.length()) : "";
        advance();
        return delta;
    }

    /** Returns whatever is still held back (the sequence ended) and starts over empty. */
    public String flush() {
        String text = size == 0 ? "" : tokenizer.decode(window, 0, size, skipSpecialTokens);
        String rest = text.length() > contextText.length() ? text.substring(contextText.length()) : "";
        size = 0;
        contextEnd = 0;
        contextText = "";
        return rest;
    }

    /** Tokens currently decoded per step: stays small however long the sequence grows. */
    int windowLength() {
        return size;
    }

    /** The tokens just emitted become the context for the next step; older ones are dropped. */
    private void advance() {
        int emitted = size - contextEnd;
        System.arraycopy(window, contextEnd, window, 0, emitted);
        size = emitted;
        contextEnd = emitted;
        contextText = tokenizer.decode(window, 0, size, skipSpecialTokens);
    }
}
