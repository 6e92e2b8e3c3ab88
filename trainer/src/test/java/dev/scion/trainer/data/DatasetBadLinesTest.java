package dev.scion.trainer.data;

import static dev.scion.trainer.data.DataFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.LoadedModel;
import dev.scion.trainer.TrainedModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad line is reported with its file, line number and field, skipped or failing the load. */
class DatasetBadLinesTest {
    static final String GOOD_OPENAI = "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"},"
            + " {\"role\": \"assistant\", \"content\": \"a\"}]}";
    static final String GOOD_ALPACA = "{\"instruction\": \"q\", \"output\": \"a\"}";
    static final String GOOD_SHAREGPT = "{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"},"
            + " {\"from\": \"gpt\", \"value\": \"a\"}]}";
    static final String USER = "{\"role\": \"user\", \"content\": \"q\"}";
    static final String CALL = "{\"id\": \"c\", \"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": \"{}\"}}";
    static final String TOOL = "{\"type\": \"function\", \"function\": {\"name\": \"f\"}}";

    /** A user question and an assistant message (content null) whose tool_calls are {@code calls}. */
    static String calls(String calls) {
        return "{\"messages\": [" + USER + ", {\"role\": \"assistant\", \"content\": null, \"tool_calls\": " + calls
                + "}]}";
    }

    /** A bad line, the field it must be blamed on (null: the whole line) and the start of the reason. */
    record Case(String good, String line, String field, String reason) {
        @Override
        public String toString() {
            return line;
        }
    }

    static Stream<Case> openAi() {
        return Stream.of(
                c("{not json", null, "invalid JSON at column 2: "),
                c("[1, 2]", null, "must be a JSON object, not an array"),
                c(GOOD_OPENAI + " x", null, "invalid JSON at column "),
                c("{\"messages\": [], \"messages\": []}", null, "invalid JSON at column "),
                c("{\"messages\": \"hi\"}", "messages", "must be an array, not a string"),
                c("{\"messages\": null}", "messages", "missing (an array is required)"),
                c("{\"messages\": []}", "messages", "empty conversation"),
                c("{\"messages\": [\"hi\"]}", "messages[0]", "must be an object, not a string"),
                c("{\"messages\": [{\"content\": \"q\"}]}", "messages[0].role", "missing (a string is required)"),
                c("{\"messages\": [{\"role\": \"bot\", \"content\": \"q\"}]}", "messages[0].role",
                        "unknown role 'bot' (expected system, user, assistant or tool)"),
                c("{\"messages\": [" + USER + ", {\"role\": \"tool\", \"content\": \"r\"}]}",
                        "messages[1].tool_call_id", "missing (a string is required)"),
                c("{\"messages\": [{\"role\": \"user\", \"content\": \"q\", \"tool_call_id\": \"c\"}]}",
                        "messages[0].tool_call_id", "only tool messages answer a tool call"),
                c("{\"messages\": [{\"role\": \"user\", \"content\": \"q\", \"tool_calls\": []}]}",
                        "messages[0].tool_calls", "only assistant messages make tool calls"),
                c("{\"messages\": [" + USER + ", {\"role\": \"tool\", \"tool_call_id\": \"c\", \"content\": \"r\","
                        + " \"weight\": 1}]}", "messages[1].weight", "weight is only allowed on assistant messages"),
                c("{\"messages\": [" + USER + ", {\"role\": \"assistant\", \"content\": \"  \"}]}",
                        "messages[1].content", "empty answer"),
                c("{\"messages\": [" + USER + ", {\"role\": \"assistant\", \"content\": 5}]}",
                        "messages[1].content", "must be a string, not a number"),
                c("{\"messages\": [" + USER + ", {\"role\": \"assistant\"}]}",
                        "messages[1].content", "missing (a string is required)"),
                c("{\"messages\": [" + USER + ", {\"role\": \"assistant\", \"content\": \"a\", \"weight\": 2}]}",
                        "messages[1].weight", "must be 0 or 1, not 2"),
                c("{\"messages\": [" + USER + ", {\"role\": \"assistant\", \"content\": \"a\", \"weight\": \"1\"}]}",
                        "messages[1].weight", "must be 0 or 1, not a string"),
                c("{\"messages\": [{\"role\": \"user\", \"content\": \"q\", \"weight\": 1}]}", "messages[0].weight",
                        "weight is only allowed on assistant messages"),
                c("{\"messages\": [" + USER + "]}", "messages", "no assistant message: nothing to learn"),
                c("{\"messages\": [" + USER + ", {\"role\": \"assistant\", \"content\": \"a\", \"weight\": 0}]}",
                        "messages", "every assistant message has weight 0: nothing to learn"),
                c(calls("[]"), "messages[1].tool_calls", "empty (leave tool_calls out when there are none)"),
                c(calls("{}"), "messages[1].tool_calls", "must be an array, not an object"),
                c(calls("[{\"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": \"{}\"}}]"),
                        "messages[1].tool_calls[0].id", "missing (a string is required)"),
                c(calls("[{\"id\": \"c\", \"type\": \"code\", \"function\": {\"name\": \"f\", \"arguments\": \"{}\"}}]"),
                        "messages[1].tool_calls[0].type", "must be \"function\", not \"code\""),
                c(calls("[{\"id\": \"c\", \"type\": \"function\"}]"), "messages[1].tool_calls[0].function",
                        "missing (an object is required)"),
                c(calls("[" + CALL + ", {\"id\": \"d\", \"function\": {\"arguments\": \"{}\"}}]"),
                        "messages[1].tool_calls[1].function.name", "missing (a string is required)"),
                c(calls("[{\"id\": \"c\", \"function\": {\"name\": \"f\", \"arguments\": \"{x\"}}]"),
                        "messages[1].tool_calls[0].function.arguments", "not valid JSON: "),
                c(calls("[{\"id\": \"c\", \"function\": {\"name\": \"f\", \"arguments\": \"[1]\"}}]"),
                        "messages[1].tool_calls[0].function.arguments", "must be a JSON object (in a string), not an array"),
                c(calls("[{\"id\": \"c\", \"function\": {\"name\": \"f\"}}]"),
                        "messages[1].tool_calls[0].function.arguments", "missing (a JSON object in a string is required)"),
                c("{\"tools\": {}, \"messages\": [" + USER + "]}", "tools", "must be an array, not an object"),
                c("{\"tools\": [{\"type\": \"retrieval\"}], \"messages\": [" + USER + "]}", "tools[0].type",
                        "must be \"function\", not \"retrieval\""),
                c("{\"tools\": [{\"type\": \"function\"}], \"messages\": [" + USER + "]}", "tools[0].function",
                        "missing (an object is required)"),
                c("{\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"a b\"}}], \"messages\": ["
                        + USER + "]}", "tools[0].function.name", "must be 1 to 64 letters, digits, '_' or '-', not 'a b'"),
                c("{\"tools\": [" + TOOL + ", " + TOOL + "], \"messages\": [" + USER + "]}", "tools[1].function.name",
                        "'f' is defined twice"),
                c("{\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": []}}],"
                        + " \"messages\": [" + USER + "]}", "tools[0].function.parameters", "must be an object, not an array"),
                c("{\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"description\": 1}}],"
                        + " \"messages\": [" + USER + "]}", "tools[0].function.description", "must be a string, not a number"),
                c("{\"functions\": [], \"messages\": [" + USER + "]}", "functions",
                        "legacy function definitions are not supported; use tools"),
                c("{\"messages\": [" + USER + ", {\"role\": \"assistant\", \"content\": \"a\", \"function_call\": {}}]}",
                        "messages[1].function_call", "legacy function calls are not supported; use tool_calls"),
                c(GOOD_ALPACA, null, "this line is Alpaca but the file is OpenAI messages (detected from line 1)"));
    }

    static Stream<Case> alpaca() {
        return Stream.of(
                a("{\"instruction\": \"q\"}", "output", "missing (a string is required)"),
                a("{\"instruction\": \"q\", \"output\": \"\"}", "output", "empty answer"),
                a("{\"instruction\": \"q\", \"output\": [\"a\"]}", "output", "must be a string, not an array"),
                a("{\"instruction\": 3, \"output\": \"a\"}", "instruction", "must be a string, not a number"),
                a("{\"instruction\": \" \", \"input\": \"\", \"output\": \"a\"}", "instruction",
                        "empty instruction (and no input)"),
                a("{\"instruction\": \"q\", \"input\": true, \"output\": \"a\"}", "input",
                        "must be a string, not a boolean"),
                a("{\"system\": 1, \"instruction\": \"q\", \"output\": \"a\"}", "system",
                        "must be a string, not a number"),
                a("{\"history\": \"x\", \"instruction\": \"q\", \"output\": \"a\"}", "history",
                        "must be an array of [user, assistant] pairs, not a string"),
                a("{\"history\": [[\"q\"]], \"instruction\": \"q\", \"output\": \"a\"}", "history[0]",
                        "must be a [user, assistant] pair of two strings, not an array of 1"),
                a("{\"history\": [[\"q\", \"a\"], [\"q\", \"\"]], \"instruction\": \"q\", \"output\": \"a\"}",
                        "history[1][1]", "empty answer"),
                a("{\"history\": [[\"q\", null]], \"instruction\": \"q\", \"output\": \"a\"}", "history[0][1]",
                        "must be a string, not null"));
    }

    static Stream<Case> shareGpt() {
        return Stream.of(
                s("{\"conversations\": {}}", "conversations", "must be an array, not an object"),
                s("{\"conversations\": [{\"from\": \"bot\", \"value\": \"q\"}]}", "conversations[0].from",
                        "unknown speaker 'bot' (expected human, user, gpt, assistant, system, function_call or observation)"),
                s("{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"observation\", \"value\": \"r\"}]}",
                        "conversations[1].from", "an observation with no function_call before it left unanswered"),
                s(shareGptCall("\"{x\""), "conversations[1].value", "not valid JSON: "),
                s(shareGptCall("\"{\\\"arguments\\\": {}}\""), "conversations[1].value.name", "missing (a string is required)"),
                s(shareGptCall("\"[{\\\"name\\\": \\\"f\\\", \\\"arguments\\\": {}}, {\\\"name\\\": \\\"g\\\"}]\""),
                        "conversations[1].value[1].arguments", "missing (a JSON object in a string is required)"),
                s(shareGptCall("\"{\\\"name\\\": \\\"f\\\", \\\"arguments\\\": \\\"[]\\\"}\""),
                        "conversations[1].value.arguments", "must be a JSON object (in a string), not an array"),
                s("{\"tools\": \"[{\\\"name\\\": \\\"\\\"}]\", " + GOOD_SHAREGPT.substring(1), "tools[0].function.name",
                        "must be 1 to 64 letters, digits, '_' or '-', not ''"),
                s("{\"tools\": \"{x\", " + GOOD_SHAREGPT.substring(1), "tools", "not valid JSON: "),
                s("{\"tools\": 3, " + GOOD_SHAREGPT.substring(1), "tools",
                        "must be an array (or a JSON array in a string), not a number"),
                s("{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"gpt\"}]}",
                        "conversations[1].value", "missing (a string is required)"),
                s("{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"gpt\", \"value\": \"\"}]}",
                        "conversations[1].value", "empty answer"),
                s("{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}]}", "conversations",
                        "no assistant message: nothing to learn"));
    }

    /** A ShareGPT line whose second turn is a function_call with the given value (a JSON string literal). */
    static String shareGptCall(String value) {
        return "{\"conversations\": [{\"from\": \"human\", \"value\": \"q\"}, {\"from\": \"function_call\", \"value\": "
                + value + "}, {\"from\": \"gpt\", \"value\": \"a\"}]}";
    }

    static Stream<Case> all() {
        return Stream.of(openAi(), alpaca(), shareGpt()).flatMap(s -> s);
    }

    static Case c(String line, String field, String reason) {
        return new Case(GOOD_OPENAI, line, field, reason);
    }

    static Case a(String line, String field, String reason) {
        return new Case(GOOD_ALPACA, line, field, reason);
    }

    static Case s(String line, String field, String reason) {
        return new Case(GOOD_SHAREGPT, line, field, reason);
    }

    @TempDir
    Path tmp;
    static final LoadedModel model = TrainedModels.model(); // one per test JVM, shared with the round tests

    static DatasetOptions options(boolean skip) {
        return new DatasetOptions(DatasetFormat.AUTO, 512, false, skip);
    }

    @ParameterizedTest
    @MethodSource("all")
    void aBadLineFailsTheLoadNamingFileLineAndField(Case c) throws IOException {
        Path file = write(tmp.resolve("data.jsonl"), c.good(), "", c.line(), c.good());
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.load(file, model, options(false)));
        String expected = file + ":3: " + (c.field() == null ? "" : c.field() + ": ") + c.reason();
        assertTrue(e.getMessage().startsWith(expected), e.getMessage() + "\n  expected: " + expected);
        assertEquals(1, e.problems().size());
        assertEquals(3, e.problems().get(0).line());
        assertEquals(c.field(), e.problems().get(0).field());
    }

    @Test
    void skippedLinesAreAllListedWithTheirLineNumbersAndCounted() throws IOException {
        for (List<Case> cases : List.of(openAi().toList(), alpaca().toList(), shareGpt().toList())) {
            List<String> lines = new ArrayList<>();
            List<Integer> badLines = new ArrayList<>();
            lines.add(cases.get(0).good());
            for (Case c : cases) {
                lines.add(c.line());
                badLines.add(lines.size());
                lines.add("");
            }
            lines.add(cases.get(0).good());
            Path file = write(tmp.resolve("skip.jsonl"), lines.toArray(String[]::new));
            Dataset d = Dataset.load(file, model, options(true));
            DatasetReport r = d.report();
            assertEquals(List.of(1, lines.size()), d.examples().stream().map(TrainingExample::sourceLine).toList());
            assertEquals(cases.size() + 2, r.read());
            assertEquals(cases.size(), r.blankLines());
            assertEquals(2, r.used());
            assertEquals(cases.size(), r.skipped());
            assertEquals(badLines, r.problems().stream().map(DataProblem::line).toList());
            for (int i = 0; i < cases.size(); i++) {
                DataProblem p = r.problems().get(i);
                assertEquals(file, p.file());
                assertEquals(cases.get(i).field(), p.field(), p.toString());
                assertTrue(p.reason().startsWith(cases.get(i).reason()), p + " expected " + cases.get(i).reason());
            }
        }
    }

    @Test
    void undecodableBytesCrlfAndAByteOrderMarkAreHandledPerLine() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
        bytes.write((GOOD_OPENAI + "\r\n").getBytes(StandardCharsets.UTF_8));
        bytes.write("{\"messages\": [{\"role\": \"user\", \"content\": \"".getBytes(StandardCharsets.UTF_8));
        bytes.write(new byte[] {(byte) 0xc3, (byte) 0x28});
        bytes.write("\"}]}\r\n".getBytes(StandardCharsets.UTF_8));
        bytes.write(GOOD_OPENAI.getBytes(StandardCharsets.UTF_8)); // no final newline
        Path file = Files.write(tmp.resolve("bytes.jsonl"), bytes.toByteArray());
        Dataset d = Dataset.load(file, model, options(true));
        assertEquals(List.of(1, 3), d.examples().stream().map(TrainingExample::sourceLine).toList());
        assertEquals(List.of(new DataProblem(file, 2, null, "not valid UTF-8 text")), d.report().problems());
        assertEquals(DatasetFormat.OPENAI_MESSAGES, d.report().format());
    }

    @Test
    void aFileWithoutAUsableLineFailsEvenWhenSkipping() throws IOException {
        Path file = write(tmp.resolve("bad.jsonl"), "{", "{\"messages\": []}");
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.load(file, model, options(true)));
        assertEquals(2, e.problems().size());
        assertTrue(e.getMessage().startsWith(file + ": no usable examples: all 2 lines were bad, the first: " + file
                + ":1: invalid JSON"), e.getMessage());
    }
}
