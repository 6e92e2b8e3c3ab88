package dev.scion.server.training;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.trainer.data.JsonlReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The check every training file passes before the server keeps it (an upload, a watched-folder file): UTF-8 text
 * whose non-blank lines are each one JSON object, and at least one of them. It streams, so its memory does not grow
 * with the file. Whether the objects are valid examples (format, roles, the chat template) is the dataset loader's
 * business, when a job validates its files.
 */
public final class JsonlCheck {
    /** The trainer's loader refuses longer lines too: no sane training example is this big. */
    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Why a file was refused; the message names the line and never the server's path. */
    public static final class InvalidFileException extends Exception {
        public InvalidFileException(String message) {
            super(message, null, false, false);
        }
    }

    private JsonlCheck() {}

    /**
     * @return the number of examples (non-blank lines)
     * @throws InvalidFileException at the first bad line, or when there is no example at all
     */
    public static long examples(Path file) throws IOException, InvalidFileException {
        long examples = 0;
        try (JsonlReader reader = new JsonlReader(file, MAX_LINE_BYTES)) {
            for (JsonlReader.Line line = reader.next(); line != null; line = reader.next()) {
                if (line.error() != null) {
                    throw new InvalidFileException("line " + line.number() + ": " + line.error());
                }
                if (line.text().isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line.text());
                } catch (JacksonException e) {
                    throw new InvalidFileException("line " + line.number() + ": not valid JSON: "
                            + e.getOriginalMessage());
                }
                if (node == null || !node.isObject()) {
                    throw new InvalidFileException("line " + line.number() + ": expected one JSON object per line");
                }
                examples++;
            }
        }
        if (examples == 0) {
            throw new InvalidFileException("the file has no examples: every line is blank (a JSONL file holds one "
                    + "JSON object per line)");
        }
        return examples;
    }
}
