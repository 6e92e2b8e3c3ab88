package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;

/** A validated vLLM {@code POST /v1/unload_lora_adapter} body. Other fields are ignored, as vLLM does. */
public record UnloadLoraRequest(String loraName) {

    public static UnloadLoraRequest parse(JsonNode body) {
        Fields.requireObjectBody(body);
        return new UnloadLoraRequest(Fields.requiredNonEmptyString(body, "lora_name", "lora_name"));
    }
}
