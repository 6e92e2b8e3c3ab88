package dev.scion.server.api.toolcalls;

import java.util.ArrayList;
import java.util.List;

/**
 * One streamed choice's output turned into content deltas and calls as they become final. Each push rescans the
 * text so far (outputs are short next to a step's cost) and sends what the scan settled beyond what was sent, so
 * the stream adds up to exactly what {@link ToolCallOutput#parse} returns for the whole text. A call is sent once
 * it is complete; text is held only while it may still be the start of a call.
 */
public final class ToolCallStream {

    /** What one push releases: new content (possibly empty) and calls that became complete, in order. */
    public record Delta(String content, List<ToolCall> calls) {
        public Delta {
            calls = List.copyOf(calls);
        }

        public boolean isEmpty() {
            return content.isEmpty() && calls.isEmpty();
        }
    }

    private final ToolCallSyntax syntax;
    private final boolean parallel;
    private final StringBuilder text = new StringBuilder();
    private int sentContent;
    private int settledCalls; // calls the scans have settled, sent or (beyond the first without parallel) dropped
    private int sentCalls;

    public ToolCallStream(ToolCallFormat format, boolean parallel) {
        if (format == ToolCallFormat.NONE) {
            throw new IllegalArgumentException("no stream parsing without a format");
        }
        this.syntax = format.syntax();
        this.parallel = parallel;
    }

    public Delta push(String textDelta) {
        text.append(textDelta);
        return release(false);
    }

    /** The rest, once the output has ended. */
    public Delta finish() {
        return release(true);
    }

    /** Calls sent so far; when above 0 at the end, the choice finishes with "tool_calls". */
    public int sentCalls() {
        return sentCalls;
    }

    private Delta release(boolean complete) {
        StringBuilder content = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        int seen = 0;
        for (Segment segment : syntax.scan(text.toString(), complete)) {
            if (segment instanceof Segment.Text t) {
                content.append(t.text());
            } else if (segment instanceof Segment.Call c && seen++ >= settledCalls) {
                settledCalls++;
                if (parallel || sentCalls == 0) {
                    calls.add(ToolCall.of(c));
                    sentCalls++;
                }
            }
        }
        String newContent = content.substring(Math.min(sentContent, content.length()));
        sentContent = content.length();
        return new Delta(newContent, calls);
    }
}
