package dev.scion.trainer.data;

import static dev.scion.trainer.data.DataFiles.maskedRuns;
import static dev.scion.trainer.data.DataFiles.unmaskedRuns;
import static dev.scion.trainer.data.DataFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.LoadedModel;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.text.Tokenizer;
import dev.scion.engine.text.template.ChatTemplate;
import dev.scion.trainer.TrainedModels;
import dev.scion.trainer.replay.ReplayStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tool-use conversations: parsed into the message maps the server hands the chat template, rendered with the
 * conversation's tools, the loss on assistant turns (their calls included) and never on tool results; on the
 * embedded model's template and on the real Qwen3 one.
 */
class ToolConversationTest {
    static final String END = "<|im_end|>";
    static final Path QWEN3 = Path.of("../engine/src/test/resources/fixtures/qwen3-tokenizer");
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOOLS = "[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\":"
            + " \"Weather for a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\":"
            + " \"string\"}}, \"required\": [\"city\"]}}}]";
    static final String USER = "{\"role\": \"user\", \"content\": \"Weather in Paris?\"}";
    static final String CALL = "{\"id\": \"call_1\", \"type\": \"function\", \"function\": {\"name\": \"get_weather\","
            + " \"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\"}}";
    static final String RESULT = "{\"role\": \"tool\", \"tool_call_id\": \"call_1\", \"content\": \"{\\\"temp_c\\\": 18}\"}";
    static final String ANSWER = "{\"role\": \"assistant\", \"content\": \"18 C in Paris.\"}";

    static final LoadedModel embedded = TrainedModels.model();
    static Tokenizer qwenTokenizer;
    static LoadedModel qwen3;

    @TempDir
    Path tmp;

    /** The real Qwen3 tokenizer and template; the encoder never runs the transformer, so there is none. */
    @BeforeAll
    static void loadQwen3() throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(TrainedModels.modelDir().resolve("config.json").toFile());
        config.put("vocab_size", 151_936);
        config.putArray("eos_token_id").add(151_645).add(151_643);
        qwenTokenizer = Tokenizer.load(QWEN3.resolve("tokenizer.json"));
        qwen3 = new LoadedModel(QWEN3, ModelConfig.fromJson(config, null), null, qwenTokenizer,
                ChatTemplate.fromTokenizerConfig(QWEN3.resolve("tokenizer_config.json")));
    }

    @AfterAll
    static void close() {
        qwenTokenizer.close();
    }

    static DatasetOptions options() {
        return new DatasetOptions(DatasetFormat.AUTO, 4096, false, false);
    }

    static String line(String tools, String... messages) {
        return "{" + (tools == null ? "" : "\"tools\": " + tools + ", ") + "\"messages\": [" + String.join(", ", messages)
                + "]}";
    }

    static String callTurn(String content, String... calls) {
        return "{\"role\": \"assistant\", \"content\": " + content + ", \"tool_calls\": [" + String.join(", ", calls)
                + "]}";
    }

    TrainingExample load(LoadedModel model, String line) throws IOException {
        return Dataset.load(write(tmp.resolve("tools.jsonl"), line), model, options()).examples().get(0);
    }

    @Test
    void openAiToolMessagesBecomeTheMapsTheServerRenders() throws IOException {
        String call2 = CALL.replace("call_1", "call_2").replace("Paris", "Oslo");
        TrainingExample e = load(embedded, line(TOOLS, USER, callTurn("null", CALL, call2), RESULT,
                RESULT.replace("call_1", "call_2"), ANSWER));
        List<ChatMessage> m = e.messages();
        assertEquals(JSON.convertValue(JSON.readTree(TOOLS), List.class), ChatMessage.toolsOf(m));
        Map<String, Object> expectedCall = Map.of("role", "assistant", "content", "", "tool_calls", List.of(
                Map.of("id", "call_1", "type", "function", "function",
                        Map.of("name", "get_weather", "arguments", Map.of("city", "Paris"))),
                Map.of("id", "call_2", "type", "function", "function",
                        Map.of("name", "get_weather", "arguments", Map.of("city", "Oslo")))));
        assertEquals(expectedCall, m.get(1).toTemplateMessage(), "arguments parsed, null content as \"\"");
        assertEquals(Map.of("role", "tool", "content", "{\"temp_c\": 18}", "tool_call_id", "call_2"),
                m.get(3).toTemplateMessage());
        assertEquals(List.of(true, false, false, true),
                m.subList(1, 5).stream().map(ChatMessage::trained).toList());
    }

    @Test
    void theEmbeddedTemplateTrainsTheCallTurnAndTheAnswerNotTheToolResult() throws IOException {
        // the embedded template writes only content, so a call-only turn is its end-of-turn token
        TrainingExample e = load(embedded, line(TOOLS, USER, callTurn("\"Let me look.\"", CALL), RESULT, ANSWER));
        Tokenizer tokenizer = embedded.requireTokenizer();
        assertEquals(List.of("Let me look." + END, "18 C in Paris." + END), maskedRuns(e, tokenizer));
        assertTrue(unmaskedRuns(e, tokenizer).get(1).contains("<|im_start|>tool\n{\"temp_c\": 18}" + END),
                unmaskedRuns(e, tokenizer).toString());
    }

    @Test
    void qwen3RendersTheToolsAsHuggingFaceDoesAndTrainsTheToolCallText() throws IOException {
        TrainingExample e = load(qwen3, line(TOOLS, USER, callTurn("null", CALL)));
        JsonNode fixture = fixtureCase("tool_round_trip");
        String expected = fixture.get("expected").textValue();
        String prompt = expected.substring(0, expected.indexOf("<|im_start|>assistant\n") + 22);
        assertEquals(List.of(prompt, "\n"), unmaskedRuns(e, qwenTokenizer),
                "the tool definitions in the system prompt exactly as Hugging Face renders them");
        assertEquals(List.of("<think>\n\n</think>\n\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\":"
                + " {\"city\": \"Paris\"}}\n</tool_call>" + END), maskedRuns(e, qwenTokenizer));
    }

    @Test
    void qwen3KeepsToolResultsOutOfTheLoss() throws IOException {
        String reasoning = "\"<think>\\nI need the weather.\\n</think>\\n\\n\"";
        TrainingExample e = load(qwen3, line(TOOLS, USER, callTurn(reasoning, CALL), RESULT, ANSWER));
        assertEquals(List.of("<think>\nI need the weather.\n</think>\n\n<tool_call>\n{\"name\": \"get_weather\","
                        + " \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>" + END,
                "<think>\n\n</think>\n\n18 C in Paris." + END), maskedRuns(e, qwenTokenizer));
        List<String> prompt = unmaskedRuns(e, qwenTokenizer);
        assertEquals("\n<|im_start|>user\n<tool_response>\n{\"temp_c\": 18}\n</tool_response>" + END
                + "\n<|im_start|>assistant\n", prompt.get(1));
    }

    @Test
    void qwen3DroppingAnEmptyThinkBlockFromEarlierTurnsIsRefusedNotMistrained() throws IOException {
        // Qwen3 writes an empty <think> block on the last turn only, so a call turn renders differently once the
        // answer follows it: its tokens cannot be located, and the load says so rather than guess
        Path file = write(tmp.resolve("t.jsonl"), line(TOOLS, USER, callTurn("null", CALL), RESULT, ANSWER));
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.load(file, qwen3, options()));
        assertTrue(e.getMessage().startsWith(file + ":1: the chat template breaks prompt/answer splitting at"
                + " assistant message 1"), e.getMessage());
    }

    @Test
    void shareGptFunctionCallsAndObservationsRenderAsTheOpenAiLine() throws IOException {
        // as LLaMA-Factory writes them: a JSON string of bare function objects
        String bareTools = JSON.writeValueAsString(
                JSON.createArrayNode().add(JSON.readTree(TOOLS).get(0).get("function")).toString());
        String shareGpt = "{\"tools\": " + bareTools + ", \"conversations\": ["
                + "{\"from\": \"human\", \"value\": \"Weather in Paris?\"},"
                + " {\"from\": \"function_call\", \"value\": \"{\\\"name\\\": \\\"get_weather\\\", \\\"arguments\\\":"
                + " {\\\"city\\\": \\\"Paris\\\"}}\"},"
                + " {\"from\": \"observation\", \"value\": \"{\\\"temp_c\\\": 18}\"},"
                + " {\"from\": \"gpt\", \"value\": \"18 C in Paris.\"}]}";
        TrainingExample fromShareGpt = load(embedded, shareGpt);
        TrainingExample fromOpenAi = load(embedded, line(TOOLS, USER,
                callTurn("null", CALL.replace("call_1", "call_1_0")), RESULT.replace("call_1", "call_1_0"), ANSWER));
        assertEquals(fromOpenAi.messages(), fromShareGpt.messages());
        assertArrayEquals(fromOpenAi.tokens(), fromShareGpt.tokens());
        assertArrayEquals(fromOpenAi.lossMask(), fromShareGpt.lossMask());
    }

    @Test
    void aReplayedToolConversationRendersIdentically() throws IOException {
        String reasoning = "\"<think>\\nI need the weather.\\n</think>\\n\\n\"";
        String call2 = CALL.replace("call_1", "call_2").replace("{\\\"city\\\": \\\"Paris\\\"}",
                "{\\\"city\\\": \\\"Oslo\\\", \\\"days\\\": 2, \\\"units\\\": {\\\"metric\\\": true}}");
        TrainingExample original = load(qwen3, line(TOOLS, USER, callTurn(reasoning, CALL, call2), RESULT,
                RESULT.replace("call_1", "call_2"), ANSWER));
        Path dir = tmp.resolve("replay");
        ReplayStore.open(dir, 10).add(List.of(original.messages()), 1);
        List<List<ChatMessage>> replayed = ReplayStore.open(dir, 10).all();
        assertEquals(List.of(original.messages()), replayed);
        TrainingExample again = Dataset.encode(replayed, qwen3, options()).get(0);
        assertArrayEquals(original.tokens(), again.tokens());
        assertArrayEquals(original.lossMask(), again.lossMask());
        TrainingExample fromFile = Dataset.load(dir.resolve("replay.jsonl"), qwen3, options()).examples().get(0);
        assertArrayEquals(original.tokens(), fromFile.tokens(), "the replay file is itself a training file");
    }

    static JsonNode fixtureCase(String name) throws IOException {
        for (JsonNode c : JSON.readTree(QWEN3.resolve("chat_template_cases.json").toFile())) {
            if (c.get("name").textValue().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no fixture case " + name);
    }
}
