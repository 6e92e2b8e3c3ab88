package dev.scion.trainer.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A line of a data file that did not become a training example, and why.
 *
 * @param line  1-based line number in the file
 * @param field JSON path of the offending field (e.g. {@code messages[1].content}), or null when the whole line is
 *              at fault (invalid JSON, a line too long, an example whose answer was truncated away)
 */
public record DataProblem(Path file, int line, String field, String reason) {

    public DataProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reason, "reason");
        if (line < 1) {
            throw new IllegalArgumentException("line numbers start at 1, got " + line);
        }
    }

    /** {@code file:line: field: reason}, the form compilers use so editors can jump to it. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + (field == null ? "" : field + ": ") + reason;
    }
}
