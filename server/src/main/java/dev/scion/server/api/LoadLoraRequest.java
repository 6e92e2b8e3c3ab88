package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.errors.InvalidRequestException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A validated vLLM {@code POST /v1/load_lora_adapter} body. Other fields are ignored, as vLLM does.
 *
 * @param loraPath a folder on the server holding the PEFT files
 * @param loadInplace publish as the next version of an existing name (false: the name must be new)
 */
public record LoadLoraRequest(String loraName, Path loraPath, boolean loadInplace) {

    public static LoadLoraRequest parse(JsonNode body) {
        Fields.requireObjectBody(body);
        String name = Fields.requiredNonEmptyString(body, "lora_name", "lora_name");
        String path = Fields.requiredNonEmptyString(body, "lora_path", "lora_path");
        boolean inplace = Fields.bool(body, "load_inplace", false);
        try {
            return new LoadLoraRequest(name, Path.of(path), inplace);
        } catch (InvalidPathException e) {
            throw new InvalidRequestException("lora_path is not a valid path: " + e.getReason(), "lora_path");
        }
    }
}
