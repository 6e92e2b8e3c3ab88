package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.errors.InvalidRequestException;

/** A validated vLLM-style {@code POST /detokenize} body; ids are checked against the vocabulary by the server. */
public record DetokenizeRequest(String model, int[] tokens) {

    public static DetokenizeRequest parse(JsonNode body) {
        return parse(body, Integer.MAX_VALUE);
    }

    /**
     * @param maxTokens the most ids one request may decode (the server's context length): more is a 400 naming
     *     {@code tokens}, before any is converted
     */
    public static DetokenizeRequest parse(JsonNode body, int maxTokens) {
        Fields.requireObjectBody(body);
        // optional, as in vLLM: without it the base model
        String model = Fields.present(body, "model") ? Fields.requiredNonEmptyString(body, "model", "model") : null;
        JsonNode tokens = Fields.value(body, "tokens");
        if (tokens == null) {
            throw new InvalidRequestException("tokens is required", "tokens");
        }
        if (!tokens.isArray()) {
            throw new InvalidRequestException("tokens must be an array of token ids", "tokens");
        }
        if (tokens.size() > maxTokens) {
            throw new InvalidRequestException("tokens has " + tokens.size() + " ids; at most " + maxTokens
                    + " (the model's context length) can be detokenized at once", "tokens");
        }
        return new DetokenizeRequest(model, PromptForms.tokenIds(tokens, "tokens"));
    }
}
