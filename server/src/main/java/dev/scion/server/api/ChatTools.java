package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.errors.InvalidRequestException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A chat request's {@code tools}, {@code tool_choice} and {@code parallel_tool_calls}, validated as OpenAI does.
 *
 * @param tools    the tools as the chat template reads them (OpenAI's shape, plain maps), or null when none were sent
 * @param choice   "auto", "none", "required" or "function" (a named function, {@code forced})
 * @param forced   the function a named tool_choice forces, else null
 * @param parallel whether more than one call may be returned (false keeps only the first, as vLLM does)
 */
public record ChatTools(List<Map<String, Object>> tools, String choice, String forced, boolean parallel) {

    /** OpenAI's rule for function names. */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    public ChatTools {
        tools = tools == null ? null : List.copyOf(tools);
    }

    /** Whether the model's output is searched for tool calls: tools offered and the model allowed to call them. */
    public boolean parseCalls() {
        return tools != null && !tools.isEmpty() && !choice.equals("none");
    }

    /** Whether the output must be a call ("required" or a named function): constrained to the call format. */
    public boolean forcesCall() {
        return choice.equals("required") || choice.equals("function");
    }

    static ChatTools parse(JsonNode body) {
        List<Map<String, Object>> tools = parseTools(body);
        Set<String> names = new HashSet<>();
        if (tools != null) {
            tools.forEach(tool -> names.add((String) ((Map<?, ?>) tool.get("function")).get("name")));
        }
        JsonNode choiceField = Fields.value(body, "tool_choice");
        String choice = choice(choiceField, names, tools != null && !tools.isEmpty());
        String forced = choice.equals("function") ? choiceField.at("/function/name").textValue() : null;
        boolean parallel = Fields.bool(body, "parallel_tool_calls", true);
        // tool_choice "none" still renders the tools, as vLLM does: the prompt stays the same, only parsing is off
        return new ChatTools(tools, choice, forced, parallel);
    }

    /** The checked {@code tools} as the chat template reads them, or null when absent. */
    static List<Map<String, Object>> parseTools(JsonNode body) {
        JsonNode array = Fields.optionalArray(body, "tools", "tools");
        if (array == null) {
            return null;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            checkTool(array.get(i), "tools[" + i + "]", names);
        }
        return List.copyOf(Fields.objectList(array, "tools"));
    }

    private static void checkTool(JsonNode tool, String path, Set<String> seen) {
        if (!tool.isObject()) {
            throw new InvalidRequestException(path + " must be an object", path);
        }
        String type = Fields.requiredString(tool, "type", path + ".type");
        if (!type.equals("function")) {
            throw new InvalidRequestException(path + ".type must be \"function\", got \"" + type + "\"", path + ".type");
        }
        JsonNode function = Fields.optionalObject(tool, "function", path + ".function");
        if (function == null) {
            throw new InvalidRequestException(path + ".function is required", path + ".function");
        }
        String name = Fields.requiredString(function, "name", path + ".function.name");
        if (!NAME.matcher(name).matches()) {
            throw new InvalidRequestException(path + ".function.name must be 1 to 64 letters, digits, '_' or '-',"
                    + " got '" + name + "'", path + ".function.name");
        }
        if (!seen.add(name)) {
            throw new InvalidRequestException(path + ".function.name '" + name + "' is declared twice",
                    path + ".function.name");
        }
        Fields.optionalString(function, "description", path + ".function.description");
        JsonNode parameters = Fields.optionalObject(function, "parameters", path + ".function.parameters");
        if (parameters != null && parameters.has("type") && !parameters.get("type").isTextual()
                && !parameters.get("type").isArray()) {
            throw new InvalidRequestException(path + ".function.parameters.type must be a string or an array",
                    path + ".function.parameters.type");
        }
        Fields.bool(function, "strict", false);
    }

    private static String choice(JsonNode choice, Set<String> names, boolean hasTools) {
        if (choice == null) {
            return "auto";
        }
        if (choice.isTextual()) {
            return switch (choice.textValue()) {
                case "auto", "none" -> choice.textValue();
                case "required" -> forcedChoice(hasTools, "required", "tool_choice \"required\"");
                default -> throw new InvalidRequestException("tool_choice must be \"auto\", \"none\", \"required\""
                        + " or {\"type\": \"function\", \"function\": {\"name\": ...}}, got \"" + choice.textValue()
                        + "\"", "tool_choice");
            };
        }
        if (!choice.isObject()) {
            throw new InvalidRequestException("tool_choice must be a string or an object", "tool_choice");
        }
        String type = Fields.requiredString(choice, "type", "tool_choice.type");
        if (!type.equals("function")) {
            throw new InvalidRequestException("tool_choice.type must be \"function\", got \"" + type + "\"",
                    "tool_choice.type");
        }
        JsonNode function = Fields.optionalObject(choice, "function", "tool_choice.function");
        if (function == null) {
            throw new InvalidRequestException("tool_choice.function is required", "tool_choice.function");
        }
        String name = Fields.requiredString(function, "name", "tool_choice.function.name");
        if (hasTools && !names.contains(name)) {
            throw new InvalidRequestException("tool_choice.function.name '" + name + "' is not one of tools: "
                    + new ArrayList<>(names), "tool_choice.function.name");
        }
        return forcedChoice(hasTools, "function", "tool_choice naming a function");
    }

    private static String forcedChoice(boolean hasTools, String choice, String what) {
        if (!hasTools) {
            throw new InvalidRequestException(what + " needs tools", "tool_choice");
        }
        return choice;
    }
}
