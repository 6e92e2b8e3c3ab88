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
 * @param model null for the base model (vLLM's field is optional)
 * @param continueFinalMessage the final message left open for the model to continue (Hugging Face's semantics)
 * @param returnTokenStrs also answer each token's vocabulary string
 */
public record TokenizeRequest(String model, String prompt, List<Map<String, Object>> messages,
                              boolean addGenerationPrompt, boolean continueFinalMessage, boolean returnTokenStrs,
                              List<Map<String, Object>> tools, Map<String, Object> chatTemplateKwargs) {

    public static TokenizeRequest parse(JsonNode body) {
        Fields.requireObjectBody(body);
        // optional, as in vLLM: without it the base model's tokenizer (adapters share it anyway)
        String model = Fields.present(body, "model") ? Fields.requiredNonEmptyString(body, "model", "model") : null;
        boolean returnTokenStrs = Fields.bool(body, "return_token_strs", false);
        boolean hasPrompt = Fields.present(body, "prompt");
        boolean hasMessages = Fields.present(body, "messages");
        if (hasPrompt == hasMessages) {
            throw new InvalidRequestException("give exactly one of prompt and messages", hasPrompt ? "messages"
                    : "prompt");
        }
        if (hasPrompt) {
            GenerationFields.refuseIfPresent(body, "continue_final_message", " with a prompt, only with messages");
            return new TokenizeRequest(model, Fields.optionalString(body, "prompt", "prompt"), null, false, false,
                    returnTokenStrs, null, Map.of());
        }
        List<Map<String, Object>> messages = ChatMessages.parse(body);
        boolean continueFinal = Fields.bool(body, "continue_final_message", false);
        if (continueFinal && Fields.bool(body, "add_generation_prompt", false)) {
            throw new InvalidRequestException("continue_final_message and add_generation_prompt cannot both be true",
                    "continue_final_message");
        }
        boolean addGenerationPrompt = !continueFinal && Fields.bool(body, "add_generation_prompt", true);
        // checked as a chat request checks them, so that a prompt /tokenize counts is one chat would render
        return new TokenizeRequest(model, null, messages, addGenerationPrompt, continueFinal, returnTokenStrs,
                ChatTools.parseTools(body), ChatMessages.templateKwargs(body));
    }
}
