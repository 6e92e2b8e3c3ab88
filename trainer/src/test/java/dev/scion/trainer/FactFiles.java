package dev.scion.trainer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Smaller fact files cut from the shared ones: a round on a dozen facts exercises every path a round on thirty
 * does, in a fraction of the time.
 */
final class FactFiles {
    private FactFiles() {}

    /** Writes the first {@code count} lines of {@code source} to {@code target}. */
    static Path first(Path source, int count, Path target) throws IOException {
        List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
        if (lines.size() < count) {
            throw new IllegalArgumentException(source + " has " + lines.size() + " lines, not " + count);
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.write(target, lines.subList(0, count), StandardCharsets.UTF_8);
        return target;
    }

    /** Writes the lines as they are, each ended by a newline. */
    static Path write(Path target, String... lines) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        return Files.writeString(target, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /** Line {@code number} (1-based) of a file. */
    static String line(Path file, int number) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).get(number - 1);
    }
}
