package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.errors.InvalidRequestException;

/**
 * A validated {@code POST /v1/embeddings} body: {@code model} (the base model or an adapter, addressed as for chat),
 * {@code input} in any of OpenAI's four prompt forms, {@code encoding_format} and {@code user} (the sticky key of a
 * canary). {@code dimensions} is accepted only as the model's own width: shortening a vector needs a model trained
 * for it (Matryoshka), which a decoder's hidden state is not.
 *
 * @param base64 whether vectors are sent as base64 of little-endian float32 (OpenAI's {@code encoding_format})
 * @param dimensions the requested width, or null
 */
public record EmbeddingsRequest(String model, PromptForms input, boolean base64, Integer dimensions, String user) {
    /** OpenAI's limit on inputs in one request. */
    public static final int MAX_INPUTS = 2048;

    public static EmbeddingsRequest parse(JsonNode body) {
        Fields.requireObjectBody(body);
        String model = Fields.requiredNonEmptyString(body, "model", "model");
        PromptForms input = PromptForms.parse(body, "input");
        if (input.count() > MAX_INPUTS) {
            throw new InvalidRequestException("input may hold at most " + MAX_INPUTS + " items, got " + input.count(),
                    "input");
        }
        String format = Fields.optionalString(body, "encoding_format", "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw new InvalidRequestException("encoding_format must be 'float' or 'base64', got '" + format + "'",
                    "encoding_format");
        }
        Integer dimensions = Fields.optionalInt(body, "dimensions", "dimensions", 1, Integer.MAX_VALUE);
        String user = Fields.optionalString(body, "user", "user");
        return new EmbeddingsRequest(model, input, "base64".equals(format), dimensions, user);
    }
}
