package dev.scion.server.api.toolcalls;

import java.util.ArrayList;
import java.util.List;

/**
 * Hermes and Qwen2.5/Qwen3: each call is {@code <tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>}, text
 * may come before, between and after. Whitespace next to a call belongs to the call's layout, not to the content.
 * A call still open when the output ends counts if its JSON is whole (vLLM's Hermes parser does the same).
 */
final class HermesSyntax implements ToolCallSyntax {
    static final String START = "<tool_call>";
    static final String END = "</tool_call>";

    @Override
    public List<Segment> scan(String text, boolean complete) {
        List<Segment> segments = new ArrayList<>();
        StringBuilder content = new StringBuilder(); // text since the last call
        int pos = 0;
        while (true) {
            int start = text.indexOf(START, pos);
            if (start < 0) {
                String tail = text.substring(pos);
                content.append(complete ? tail : tail.substring(0, HeldText.heldFrom(tail, List.of(START))));
                addText(segments, content.toString());
                return segments;
            }
            String before = text.substring(pos, start);
            int end = text.indexOf(END, start + START.length());
            if (end < 0 && !complete) {
                addText(segments, content.append(before.stripTrailing()).toString());
                return segments;
            }
            int bodyEnd = end < 0 ? text.length() : end;
            int callEnd = end < 0 ? text.length() : end + END.length();
            Segment.Call call = CallJson.parse(text.substring(start + START.length(), bodyEnd));
            if (call == null) { // not a call after all: the marker and its body are content
                content.append(text, pos, callEnd);
            } else {
                addText(segments, content.append(before.stripTrailing()).toString());
                content.setLength(0);
                segments.add(call);
            }
            pos = callEnd;
            if (call != null) {
                while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                    pos++;
                }
            }
        }
    }

    private static void addText(List<Segment> segments, String text) {
        if (!text.isEmpty()) {
            segments.add(new Segment.Text(text));
        }
    }
}
