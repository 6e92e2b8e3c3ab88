package dev.scion.server.api.toolcalls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads one call object, {@code {"name": ..., "arguments"|"parameters": {...}}}, as models write it. */
final class CallJson {
    // trailing text after the object means it was not a call alone
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private CallJson() {}

    /** The call in this text, or null when it is not one (never an exception: malformed calls become content). */
    static Segment.Call parse(String text) {
        try {
            return call(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The call this node describes, or null. */
    static Segment.Call call(JsonNode node) {
        if (node == null || !node.isObject() || !node.path("name").isTextual()
                || node.path("name").textValue().isEmpty()) {
            return null;
        }
        JsonNode arguments = node.has("arguments") ? node.get("arguments") : node.get("parameters");
        if (arguments == null || arguments.isNull()) {
            return new Segment.Call(node.get("name").textValue(), "{}");
        }
        if (arguments.isTextual()) { // some models write the arguments as a JSON string, as OpenAI returns them
            try {
                arguments = JSON.readTree(arguments.textValue());
            } catch (JsonProcessingException e) {
                return null;
            }
        }
        if (arguments == null || !arguments.isObject()) {
            return null;
        }
        return new Segment.Call(node.get("name").textValue(), arguments.toString());
    }
}
