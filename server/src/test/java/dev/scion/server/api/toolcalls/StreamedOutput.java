package dev.scion.server.api.toolcalls;

import java.util.ArrayList;
import java.util.List;

/** What a client adds up from a stream: the content and the calls (names and arguments; ids are random). */
record StreamedOutput(String content, List<String> calls) {

    /** Streams {@code text} cut at {@code cuts} (ascending indexes) through a fresh stream. */
    static StreamedOutput stream(ToolCallFormat format, boolean parallel, String text, int... cuts) {
        ToolCallStream stream = new ToolCallStream(format, parallel);
        StringBuilder content = new StringBuilder();
        List<String> calls = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            add(stream.push(text.substring(from, cut)), content, calls);
            from = cut;
        }
        add(stream.push(text.substring(from)), content, calls);
        add(stream.finish(), content, calls);
        return new StreamedOutput(content.toString(), calls);
    }

    /** The same, one character at a time. */
    static StreamedOutput byCharacter(ToolCallFormat format, boolean parallel, String text) {
        int[] cuts = new int[Math.max(0, text.length() - 1)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return stream(format, parallel, text, cuts);
    }

    static StreamedOutput of(ToolCallOutput output) {
        return new StreamedOutput(output.content() == null ? "" : output.content(),
                output.calls().stream().map(StreamedOutput::show).toList());
    }

    static String show(ToolCall call) {
        return call.name() + call.arguments();
    }

    private static void add(ToolCallStream.Delta delta, StringBuilder content, List<String> calls) {
        content.append(delta.content());
        delta.calls().forEach(c -> calls.add(show(c)));
    }
}
