package dev.scion.server.api.toolcalls;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole output split into content and calls.
 *
 * @param content the text outside the calls; null when there are calls and no text (as OpenAI answers)
 * @param calls   the calls in order, only the first when parallel calls were not allowed; empty when none
 */
public record ToolCallOutput(String content, List<ToolCall> calls) {

    public ToolCallOutput {
        calls = List.copyOf(calls);
    }

    /** Parses a finished output; a call that does not parse stays in the content. */
    public static ToolCallOutput parse(ToolCallFormat format, String text, boolean parallel) {
        if (format == ToolCallFormat.NONE) {
            return new ToolCallOutput(text, List.of());
        }
        StringBuilder content = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (Segment segment : format.syntax().scan(text, true)) {
            if (segment instanceof Segment.Text t) {
                content.append(t.text());
            } else if (segment instanceof Segment.Call c && (parallel || calls.isEmpty())) {
                calls.add(ToolCall.of(c));
            }
        }
        return new ToolCallOutput(calls.isEmpty() || content.length() > 0 ? content.toString() : null, calls);
    }
}
