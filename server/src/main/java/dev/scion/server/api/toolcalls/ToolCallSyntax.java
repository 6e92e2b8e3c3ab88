package dev.scion.server.api.toolcalls;

import java.util.List;

/**
 * How one model family writes tool calls into its output. {@link #scan} must be stable: the segments it returns for
 * an incomplete text are the first segments of every scan of a longer text, and their text is a prefix of the
 * final content; {@link ToolCallStream} relies on it to stream exactly what the full parse returns.
 */
interface ToolCallSyntax {
    /**
     * The segments of {@code text} that can no longer change. When {@code complete} is false more text may follow,
     * so text that may still become (or end) a call is left out; when true, everything is returned, a call that
     * does not parse as text.
     */
    List<Segment> scan(String text, boolean complete);
}
