package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;

/** A validated vLLM-style {@code POST /detokenize} body; ids are checked against the vocabulary by the server. */
public record DetokenizeRequest(String model, int[] tokens) {

    public static DetokenizeRequest parse(JsonNode body) {
        Fields.requireObjectBody(body);
        String model = Fields.requiredNonEmptyString(body, "model", "model");
        JsonNode tokens = Fields.value(body, "tokens");
        if (tokens == null) {
            throw ApiException.invalidRequest("tokens is required", "tokens");
        }
        if (!tokens.isArray()) {
            throw ApiException.invalidRequest("tokens must be an array of token ids", "tokens");
        }
        return new DetokenizeRequest(model, CompletionRequest.tokenIds(tokens, "tokens"));
    }
}
