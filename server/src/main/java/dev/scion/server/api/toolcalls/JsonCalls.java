package dev.scion.server.api.toolcalls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reads a run of call objects: one object, several separated by ';' (Llama 3.x), or an array of them (Mistral). */
final class JsonCalls {
    private JsonCalls() {}

    /** The calls, or null when the text is anything else (a partial object, a non-call value, trailing text). */
    static List<Segment.Call> parse(String text) {
        List<Segment.Call> calls = new ArrayList<>();
        for (String part : topLevelParts(text)) {
            JsonNode node;
            try {
                node = CallJson.JSON.readTree(part);
            } catch (JsonProcessingException e) {
                return null;
            }
            List<JsonNode> elements = new ArrayList<>();
            if (node != null && node.isArray()) {
                node.forEach(elements::add);
            } else {
                elements.add(node);
            }
            for (JsonNode element : elements) {
                Segment.Call call = CallJson.call(element);
                if (call == null) {
                    return null;
                }
                calls.add(call);
            }
        }
        return calls.isEmpty() ? null : calls;
    }

    /** The text split at the semicolons outside strings, objects and arrays; blank parts dropped. */
    private static List<String> topLevelParts(String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean inString = false;
        int from = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            } else if (c == ';' && depth == 0) {
                parts.add(text.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(text.substring(from));
        return parts.stream().map(String::strip).filter(p -> !p.isEmpty()).toList();
    }
}
