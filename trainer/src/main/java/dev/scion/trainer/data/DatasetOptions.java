package dev.scion.trainer.data;

import java.util.Objects;

/**
 * How a data file is read.
 *
 * @param format        the file's layout, or AUTO to detect it from the first valid line
 * @param maxLength     examples longer than this many tokens lose their end (at least 2: one token has no target)
 * @param trainOnPrompt also train on system and user tokens and the template's framing (weight-0 turns stay out)
 * @param skipBadLines  skip bad lines and list them in the report, instead of failing the load at the first one
 */
public record DatasetOptions(DatasetFormat format, int maxLength, boolean trainOnPrompt, boolean skipBadLines) {

    public DatasetOptions {
        Objects.requireNonNull(format, "format");
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be at least 2 tokens, got " + maxLength);
        }
    }
}
