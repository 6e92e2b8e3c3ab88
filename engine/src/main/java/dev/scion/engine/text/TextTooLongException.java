package dev.scion.engine.text;

/**
 * A text refused for a token budget: either before tokenizing, because it has more bytes than that many tokens can
 * stand for ({@link #tokens()} is then -1), or after, because it encoded to more tokens.
 */
public final class TextTooLongException extends RuntimeException {
    private final int tokens;
    private final int maxTokens;
    private final long textBytes;
    private final long maxTextBytes;

    TextTooLongException(int tokens, int maxTokens, long textBytes, long maxTextBytes) {
        super(tokens >= 0
                ? "the text has " + tokens + " tokens, more than the " + maxTokens + " allowed"
                : "the text is " + textBytes + " bytes, more than the " + maxTextBytes + " bytes that " + maxTokens
                        + " tokens can hold", null, false, false);
        this.tokens = tokens;
        this.maxTokens = maxTokens;
        this.textBytes = textBytes;
        this.maxTextBytes = maxTextBytes;
    }

    /** The text's tokens, or -1 when it was refused by its size, without tokenizing. */
    public int tokens() {
        return tokens;
    }

    public int maxTokens() {
        return maxTokens;
    }

    /** The text's UTF-8 bytes (a lower bound when it was refused by its length in chars: at least that many). */
    public long textBytes() {
        return textBytes;
    }

    /** The most bytes {@link #maxTokens()} tokens can stand for. */
    public long maxTextBytes() {
        return maxTextBytes;
    }
}
