package dev.scion.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lines are numbered as editors number them, and an oversized line is refused without being buffered. */
class JsonlReaderTest {
    @TempDir
    Path tmp;

    @Test
    void anOversizedLineIsAProblemOfThatLineOnly() throws IOException {
        Path file = Files.writeString(tmp.resolve("x.jsonl"), "short\n" + "y".repeat(100) + "\n\nlast",
                StandardCharsets.UTF_8);
        try (JsonlReader reader = new JsonlReader(file, 10)) {
            assertEquals(new JsonlReader.Line(1, "short", null), reader.next());
            assertEquals(new JsonlReader.Line(2, null, "line is longer than 10 bytes"), reader.next());
            assertEquals(new JsonlReader.Line(3, "", null), reader.next());
            assertEquals(new JsonlReader.Line(4, "last", null), reader.next());
            assertNull(reader.next());
            assertNull(reader.next());
        }
    }

    @Test
    void aFinalNewlineDoesNotStartALine() throws IOException {
        Path file = Files.writeString(tmp.resolve("y.jsonl"), "a\r\nb\n", StandardCharsets.UTF_8);
        try (JsonlReader reader = new JsonlReader(file, 10)) {
            assertEquals(new JsonlReader.Line(1, "a", null), reader.next());
            assertEquals(new JsonlReader.Line(2, "b", null), reader.next());
            assertNull(reader.next());
        }
    }
}
