package dev.scion.server.api.toolcalls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each format's parser on whole outputs, and streamed: cut at every boundary (two pieces), and one character at a
 * time, the stream must add up to exactly the whole parse.
 */
class ToolCallSyntaxTest {
    private static final String PARIS = "get_weather{\"city\":\"Paris\"}";

    static Stream<Arguments> cases() {
        return Stream.of(
            // format, output, expected content (null when none), expected calls
            Arguments.of(ToolCallFormat.HERMES,
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>",
                null, List.of(PARIS)),
            Arguments.of(ToolCallFormat.HERMES,
                "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n"
                    + "</tool_call>\n<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"zone\": \"CET\"}}\n"
                    + "</tool_call>",
                "Let me check.", List.of(PARIS, "get_time{\"zone\":\"CET\"}")),
            Arguments.of(ToolCallFormat.HERMES, "Hello <b>there</b>\n\n", "Hello <b>there</b>\n\n", List.of()),
            Arguments.of(ToolCallFormat.HERMES, "", "", List.of()),
            Arguments.of(ToolCallFormat.HERMES, "ends with <tool_c", "ends with <tool_c", List.of()),
            // unclosed at the end of the output: a whole JSON object still counts
            Arguments.of(ToolCallFormat.HERMES,
                "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}", null, List.of(PARIS)),
            // malformed: returned as content, never an error
            Arguments.of(ToolCallFormat.HERMES, "a <tool_call>{\"name\": \"x\", \"arguments\": {oops}</tool_call> b",
                "a <tool_call>{\"name\": \"x\", \"arguments\": {oops}</tool_call> b", List.of()),
            Arguments.of(ToolCallFormat.HERMES, "<tool_call>\n{\"name\": \"get_weather\", \"argu",
                "<tool_call>\n{\"name\": \"get_weather\", \"argu", List.of()),
            Arguments.of(ToolCallFormat.HERMES, "<tool_call>[1, 2]</tool_call>", "<tool_call>[1, 2]</tool_call>",
                List.of()),
            // arguments written as a JSON string, non-ASCII kept
            Arguments.of(ToolCallFormat.HERMES,
                "<tool_call>{\"name\": \"f\", \"arguments\": \"{\\\"q\\\": \\\"日本\\\"}\"}</tool_call> done",
                "done", List.of("f{\"q\":\"日本\"}")),
            Arguments.of(ToolCallFormat.LLAMA3_JSON,
                "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}", null, List.of(PARIS)),
            Arguments.of(ToolCallFormat.LLAMA3_JSON,
                "<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}; "
                    + "{\"name\": \"f\", \"parameters\": {\"s\": \"a;b\"}}", null, List.of(PARIS, "f{\"s\":\"a;b\"}")),
            Arguments.of(ToolCallFormat.LLAMA3_JSON, "The weather is fine.", "The weather is fine.", List.of()),
            Arguments.of(ToolCallFormat.LLAMA3_JSON, "{\"answer\": 42}", "{\"answer\": 42}", List.of()),
            Arguments.of(ToolCallFormat.LLAMA3_JSON, "{\"name\": \"f\", \"parameters\": {}} and more",
                "{\"name\": \"f\", \"parameters\": {}} and more", List.of()),
            Arguments.of(ToolCallFormat.MISTRAL,
                "Sure. [TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}]",
                "Sure.", List.of(PARIS)),
            Arguments.of(ToolCallFormat.MISTRAL,
                "[TOOL_CALLS]get_weather[ARGS]{\"city\": \"Paris\"}[TOOL_CALLS]f[ARGS]{}", null,
                List.of(PARIS, "f{}")),
            Arguments.of(ToolCallFormat.MISTRAL, "[TOOL_CALLS]not json", "[TOOL_CALLS]not json", List.of()),
            Arguments.of(ToolCallFormat.MISTRAL, "Plain [TOOL answer", "Plain [TOOL answer", List.of()));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void wholeOutputs(ToolCallFormat format, String output, String content, List<String> calls) {
        ToolCallOutput parsed = ToolCallOutput.parse(format, output, true);
        assertEquals(content, parsed.content());
        assertEquals(calls, parsed.calls().stream().map(StreamedOutput::show).toList());
        for (ToolCall call : parsed.calls()) {
            assertTrue(call.id().matches("call_[A-Za-z0-9]{24}"), call.id());
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void streamsAddUpToTheWholeParseAtEveryCut(ToolCallFormat format, String output, String content,
                                               List<String> calls) {
        StreamedOutput whole = StreamedOutput.of(ToolCallOutput.parse(format, output, true));
        for (int cut = 0; cut <= output.length(); cut++) {
            assertEquals(whole, StreamedOutput.stream(format, true, output, cut), "cut at " + cut);
        }
        assertEquals(whole, StreamedOutput.byCharacter(format, true, output));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void withoutParallelCallsOnlyTheFirstIsKept(ToolCallFormat format, String output, String content,
                                                List<String> calls) {
        ToolCallOutput parsed = ToolCallOutput.parse(format, output, false);
        assertEquals(calls.isEmpty() ? List.of() : calls.subList(0, 1),
                parsed.calls().stream().map(StreamedOutput::show).toList());
        assertEquals(StreamedOutput.of(parsed), StreamedOutput.byCharacter(format, false, output));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void noneLeavesEverythingAsContent(ToolCallFormat format, String output) {
        ToolCallOutput parsed = ToolCallOutput.parse(ToolCallFormat.NONE, output, true);
        assertEquals(output, parsed.content());
        assertTrue(parsed.calls().isEmpty());
    }
}
