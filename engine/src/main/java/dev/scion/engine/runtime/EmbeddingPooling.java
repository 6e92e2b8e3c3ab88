package dev.scion.engine.runtime;

import java.util.Locale;

/** How one input's final hidden states become its embedding (then L2-normalised). */
public enum EmbeddingPooling {
    /** The mean over every token of the input: uses the whole text, as sentence-embedding models do. */
    MEAN,
    /** The last token's state: with causal attention the only one that has seen the whole input. */
    LAST;

    /** @throws IllegalArgumentException naming the accepted values */
    public static EmbeddingPooling parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a pooling (write mean or last)");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
