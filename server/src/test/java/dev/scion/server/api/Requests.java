package dev.scion.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.server.errors.InvalidRequestException;
import java.util.function.Function;

/** Request bodies written with single quotes for readability, and the assertion every rejection test makes. */
final class Requests {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Requests() {}

    static JsonNode json(String singleQuoted) {
        try {
            return MAPPER.readTree(singleQuoted.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad test JSON: " + singleQuoted, e);
        }
    }

    /** Parsing must fail as an invalid request naming {@code param}, with a message mentioning {@code messagePart}. */
    static InvalidRequestException assertRejected(Function<JsonNode, ?> parse, String body, String param,
            String messagePart) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> parse.apply(json(body)), body);
        assertEquals(param, e.param(), body + " -> " + e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), "'" + e.getMessage() + "' should mention '" + messagePart
                + "'");
        return e;
    }
}
