package dev.scion.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.server.errors.InvalidRequestException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An assistant message's {@code tool_calls} for the chat template: each checked to have OpenAI's shape ({@code id},
 * {@code type: "function"}, {@code function.name}, {@code function.arguments} as a JSON string), and its arguments
 * parsed into an object, as vLLM hands them to Hugging Face templates (which write {@code arguments | tojson}).
 */
final class ToolCallMessages {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolCallMessages() {}

    static List<Map<String, Object>> parse(JsonNode calls, String path) {
        List<Map<String, Object>> out = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            out.add(call(calls.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    private static Map<String, Object> call(JsonNode call, String path) {
        if (!call.isObject()) {
            throw new InvalidRequestException(path + " must be an object", path);
        }
        String id = Fields.requiredString(call, "id", path + ".id");
        String type = Fields.optionalString(call, "type", path + ".type");
        if (type != null && !type.equals("function")) {
            throw new InvalidRequestException(path + ".type must be \"function\", got \"" + type + "\"",
                    path + ".type");
        }
        JsonNode function = Fields.optionalObject(call, "function", path + ".function");
        if (function == null) {
            throw new InvalidRequestException(path + ".function is required", path + ".function");
        }
        String name = Fields.requiredNonEmptyString(function, "name", path + ".function.name");
        String arguments = Fields.requiredString(function, "arguments", path + ".function.arguments");
        Map<String, Object> fn = new LinkedHashMap<>();
        fn.put("name", name);
        fn.put("arguments", arguments(arguments, path + ".function.arguments"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("type", "function");
        out.put("function", fn);
        return out;
    }

    private static Object arguments(String text, String param) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new InvalidRequestException(param + " must be a JSON object in a string", param);
            }
            return Fields.toMap(node);
        } catch (JsonProcessingException e) {
            throw new InvalidRequestException(param + " is not valid JSON: " + e.getOriginalMessage(), param);
        }
    }
}
