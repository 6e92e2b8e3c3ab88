package dev.scion.trainer.data;

import java.nio.file.Path;
import java.util.List;

/**
 * What loading a data file did with every line. {@code read == used + skipped}: each non-blank line either became
 * an example or is listed in {@code problems}.
 *
 * @param format             the format the file was read as (AUTO when no line could be read at all)
 * @param formatDetectedLine the line AUTO detected the format from; 0 when the format was declared
 * @param read               non-blank lines
 * @param blankLines         empty or whitespace-only lines, which hold no example
 * @param used               lines that became training examples
 * @param skipped            lines that did not, each with an entry in {@code problems}
 * @param truncated          used examples that lost tokens to the maximum length
 * @param tokens             tokens in all used examples (after truncation)
 * @param lossTokens         of those, the ones the loss applies to
 */
public record DatasetReport(Path file, DatasetFormat format, int formatDetectedLine, int read, int blankLines,
        int used, int skipped, int truncated, long tokens, long lossTokens, List<DataProblem> problems) {

    public DatasetReport {
        problems = List.copyOf(problems);
    }

    /** One line for logs and the command line. */
    public String summary() {
        return file + " (" + formatName() + "): " + read + " lines read, " + used + " used, " + skipped
                + " skipped, " + truncated + " truncated; " + tokens + " tokens, " + lossTokens + " trained";
    }

    private String formatName() {
        if (format == DatasetFormat.AUTO) {
            return "format not detected";
        }
        return format.name().toLowerCase(java.util.Locale.ROOT)
                + (formatDetectedLine > 0 ? ", detected from line " + formatDetectedLine : "");
    }
}
