package dev.scion.server.api.toolcalls;

import java.util.ArrayList;
import java.util.List;

/**
 * Llama 3.1 to 3.3 with JSON tool calling: the whole output is the call(s), {@code {"name": ..., "parameters":
 * {...}}} (several separated by ';'), optionally after {@code <|python_tag|>}. An output that starts like one is held
 * to its end, since only the end tells whether it parsed; any other output streams as content at once.
 */
final class Llama3JsonSyntax implements ToolCallSyntax {
    static final String PYTHON_TAG = "<|python_tag|>";

    @Override
    public List<Segment> scan(String text, boolean complete) {
        String rest = text.stripLeading();
        boolean tagged = rest.startsWith(PYTHON_TAG);
        boolean mayBeCall = tagged || rest.startsWith("{") || PYTHON_TAG.startsWith(rest);
        if (!complete) {
            return mayBeCall ? List.of() : List.of(new Segment.Text(text));
        }
        List<Segment.Call> calls = mayBeCall ? JsonCalls.parse(tagged ? rest.substring(PYTHON_TAG.length()) : rest)
                : null;
        if (calls == null) {
            return text.isEmpty() ? List.of() : List.of(new Segment.Text(text));
        }
        return new ArrayList<>(calls);
    }
}
