package dev.scion.server.api.toolcalls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Mistral: text, then {@code [TOOL_CALLS]} and the calls to the end of the output, either as a JSON array
 * {@code [{"name": ..., "arguments": {...}}]} (tokenizer v3) or as {@code name[ARGS]{...}} per call, each call after
 * its own {@code [TOOL_CALLS]} (v11 and later). The calls are held to the end of the output.
 */
final class MistralSyntax implements ToolCallSyntax {
    static final String MARKER = "[TOOL_CALLS]";
    static final String ARGS = "[ARGS]";

    @Override
    public List<Segment> scan(String text, boolean complete) {
        int marker = text.indexOf(MARKER);
        if (marker < 0) {
            String settled = complete ? text : text.substring(0, HeldText.heldFrom(text, List.of(MARKER)));
            return settled.isEmpty() ? List.of() : List.of(new Segment.Text(settled));
        }
        String before = text.substring(0, marker).stripTrailing();
        List<Segment> segments = new ArrayList<>();
        if (!before.isEmpty()) {
            segments.add(new Segment.Text(before));
        }
        if (!complete) {
            return segments;
        }
        List<Segment.Call> calls = calls(text.substring(marker + MARKER.length()));
        if (calls == null) {
            return List.of(new Segment.Text(text));
        }
        segments.addAll(calls);
        return segments;
    }

    private static List<Segment.Call> calls(String rest) {
        String body = rest.strip();
        if (body.startsWith("[") || body.startsWith("{")) {
            return JsonCalls.parse(body);
        }
        List<Segment.Call> calls = new ArrayList<>();
        for (String part : body.split("\\[TOOL_CALLS]")) {
            int args = part.indexOf(ARGS);
            if (args <= 0) {
                return null;
            }
            String name = part.substring(0, args).strip();
            JsonNode arguments;
            try {
                arguments = CallJson.JSON.readTree(part.substring(args + ARGS.length()));
            } catch (JsonProcessingException e) {
                return null;
            }
            if (name.isEmpty() || arguments == null || !arguments.isObject()) {
                return null;
            }
            calls.add(new Segment.Call(name, arguments.toString()));
        }
        return calls;
    }
}
