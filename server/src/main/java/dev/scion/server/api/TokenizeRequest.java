package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.errors.InvalidRequestException;
import java.util.List;
import java.util.Map;

/**
 * A validated vLLM-style {@code POST /tokenize} body: either a raw {@code prompt} or chat {@code messages} (rendered
 * with the chat template, so clients see exactly the prompt a chat request would use).
 *
 * @param prompt   the text to tokenize, or null when {@code messages} is set
 * @param messages template-ready messages, or null when {@code prompt} is set
 */
public record TokenizeRequest(String model, String prompt, List<Map<String, Object>> messages,
                              boolean addGenerationPrompt, List<Map<String, Object>> tools,
                              Map<String, Object> chatTemplateKwargs) {

    public static TokenizeRequest parse(JsonNode body) {
        Fields.requireObjectBody(body);
        String model = Fields.requiredNonEmptyString(body, "model", "model");
        boolean hasPrompt = Fields.present(body, "prompt");
        boolean hasMessages = Fields.present(body, "messages");
        if (hasPrompt == hasMessages) {
            throw new InvalidRequestException("give exactly one of prompt and messages", hasPrompt ? "messages"
                    : "prompt");
        }
        if (hasPrompt) {
            return new TokenizeRequest(model, Fields.optionalString(body, "prompt", "prompt"), null, false, null,
                    Map.of());
        }
        List<Map<String, Object>> messages = ChatMessages.parse(body);
        boolean addGenerationPrompt = Fields.bool(body, "add_generation_prompt", true);
        // checked as a chat request checks them, so that a prompt /tokenize counts is one chat would render
        return new TokenizeRequest(model, null, messages, addGenerationPrompt, ChatTools.parseTools(body),
                ChatMessages.templateKwargs(body));
    }
}
