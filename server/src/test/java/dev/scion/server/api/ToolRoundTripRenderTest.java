package dev.scion.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.text.template.ChatTemplate;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A tool conversation sent as OpenAI clients send it (assistant content null, arguments as a JSON string) renders
 * through the real Qwen3 template exactly as the fixture's Hugging Face-configured render of the same conversation.
 */
class ToolRoundTripRenderTest {
    private static final Path QWEN3 = Path.of("../engine/src/test/resources/fixtures/qwen3-tokenizer");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void openAiShapedToolCallsRenderAsTheFixture() throws IOException {
        ChatTemplate template = ChatTemplate.fromTokenizerConfig(QWEN3.resolve("tokenizer_config.json"));
        JsonNode cases = MAPPER.readTree(QWEN3.resolve("chat_template_cases.json").toFile());
        int checked = 0;
        for (JsonNode c : cases) {
            if (!c.has("tools") || !c.toString().contains("tool_calls")) {
                continue;
            }
            ObjectNode body = MAPPER.createObjectNode().put("model", "m");
            body.set("tools", c.get("tools"));
            body.set("messages", openAiShaped(c.get("messages").deepCopy()));
            ChatCompletionRequest request = ChatCompletionRequest.parse(body);
            assertEquals(c.get("expected").textValue(),
                    template.apply(request.messages(), request.tools(), true, request.chatTemplateKwargs()),
                    c.get("name").textValue());
            checked++;
        }
        assertEquals(2, checked);
    }

    /** The fixture's template-ready messages as a client writes them. */
    private static JsonNode openAiShaped(JsonNode messages) {
        for (JsonNode m : messages) {
            if (m.has("tool_calls")) {
                if (m.path("content").asText().isEmpty()) {
                    ((ObjectNode) m).putNull("content");
                }
                for (JsonNode call : m.get("tool_calls")) {
                    ObjectNode function = (ObjectNode) call.get("function");
                    function.put("arguments", function.get("arguments").toString());
                }
            }
        }
        return messages;
    }
}
