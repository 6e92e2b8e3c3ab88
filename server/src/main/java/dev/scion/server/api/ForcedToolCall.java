package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The constraint behind {@code tool_choice: "required"} or a named function: the output is one Hermes call,
 * {@code <tool_call>\n{"name": ..., "arguments": ...}\n</tool_call>}, whose name is the forced function (or one of
 * the tools) and whose arguments are valid under that function's {@code parameters} (any object when it has none).
 * With several tools the call is an {@code anyOf} of one object schema per function. The parameters are embedded
 * in that schema, so a {@code $ref} inside them, relative to their own root, finds nothing and is refused (400).
 */
final class ForcedToolCall {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ForcedToolCall() {}

    static OutputConstraint constraint(ChatTools tools) {
        ArrayNode options = JSON.createArrayNode();
        for (Map<String, Object> tool : tools.tools()) {
            Map<?, ?> function = (Map<?, ?>) tool.get("function");
            String name = (String) function.get("name");
            if (tools.forced() == null || tools.forced().equals(name)) {
                options.add(call(name, function.get("parameters")));
            }
        }
        JsonNode schema = options.size() == 1 ? options.get(0) : JSON.createObjectNode().set("anyOf", options);
        return OutputConstraint.toolCall("tools", schema);
    }

    private static ObjectNode call(String name, Object parameters) {
        ObjectNode call = JSON.createObjectNode().put("type", "object");
        ObjectNode properties = call.putObject("properties");
        properties.putObject("name").put("const", name);
        properties.set("arguments", parameters == null ? JSON.createObjectNode().put("type", "object")
                : JSON.valueToTree(parameters));
        call.set("required", JSON.valueToTree(List.of("name", "arguments")));
        call.put("additionalProperties", false);
        return call;
    }
}
