package dev.scion.trainer.data;

import static dev.scion.trainer.data.JsonFields.kind;
import static dev.scion.trainer.data.JsonFields.optionalString;
import static dev.scion.trainer.data.JsonFields.requireObject;
import static dev.scion.trainer.data.JsonFields.requiredString;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tool definitions and tool calls between OpenAI's JSON and the maps the chat template reads, checked as the
 * server checks a chat request's (same shapes, same maps), so a trained conversation renders as a served one.
 */
public final class ToolJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private ToolJson() {}

    /** A line's {@code tools}: {@code {"type": "function", "function": {"name", "description"?, "parameters"?}}}. */
    static List<Map<String, Object>> tools(JsonNode array, String path) throws BadLineException {
        if (!array.isArray()) {
            throw new BadLineException(path, "must be an array, not " + kind(array));
        }
        Set<String> names = new HashSet<>();
        List<Map<String, Object>> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode tool = array.get(i);
            String at = path + "[" + i + "]";
            requireObject(tool, at);
            String type = requiredString(tool, "type", at + ".type");
            if (!type.equals("function")) {
                throw new BadLineException(at + ".type", "must be \"function\", not \"" + type + "\"");
            }
            JsonNode function = tool.get("function");
            if (function == null || function.isNull()) {
                throw new BadLineException(at + ".function", "missing (an object is required)");
            }
            requireObject(function, at + ".function");
            String name = requiredString(function, "name", at + ".function.name");
            if (!NAME.matcher(name).matches()) {
                throw new BadLineException(at + ".function.name", "must be 1 to 64 letters, digits, '_' or '-',"
                        + " not '" + name + "'");
            }
            if (!names.add(name)) {
                throw new BadLineException(at + ".function.name", "'" + name + "' is defined twice");
            }
            optionalString(function, "description", at + ".function.description");
            JsonNode parameters = function.get("parameters");
            if (parameters != null && !parameters.isNull()) {
                requireObject(parameters, at + ".function.parameters");
            }
            out.add(plain(tool));
        }
        return List.copyOf(out);
    }

    /**
     * An assistant message's {@code tool_calls} ({@code {"id", "type": "function", "function": {"name",
     * "arguments"}}}, {@code arguments} a JSON object in a string) as the template reads them: arguments parsed.
     */
    static List<Map<String, Object>> calls(JsonNode array, String path) throws BadLineException {
        if (!array.isArray()) {
            throw new BadLineException(path, "must be an array, not " + kind(array));
        }
        if (array.isEmpty()) {
            throw new BadLineException(path, "empty (leave tool_calls out when there are none)");
        }
        List<Map<String, Object>> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode call = array.get(i);
            String at = path + "[" + i + "]";
            requireObject(call, at);
            String id = requiredString(call, "id", at + ".id");
            String type = optionalString(call, "type", at + ".type");
            if (!type.isEmpty() && !type.equals("function")) {
                throw new BadLineException(at + ".type", "must be \"function\", not \"" + type + "\"");
            }
            JsonNode function = call.get("function");
            if (function == null || function.isNull()) {
                throw new BadLineException(at + ".function", "missing (an object is required)");
            }
            requireObject(function, at + ".function");
            String name = requiredString(function, "name", at + ".function.name");
            if (name.isEmpty()) {
                throw new BadLineException(at + ".function.name", "empty");
            }
            JsonNode arguments = function.get("arguments");
            out.add(call(id, name, arguments(arguments, at + ".function.arguments")));
        }
        return List.copyOf(out);
    }

    /** One call in template shape; {@code arguments} already an object. */
    static Map<String, Object> call(String id, String name, Map<String, Object> arguments) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", name);
        function.put("arguments", arguments);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("type", "function");
        out.put("function", function);
        return out;
    }

    /** Arguments as OpenAI writes them (a JSON string holding an object) or, as ShareGPT often does, an object. */
    static Map<String, Object> arguments(JsonNode arguments, String path) throws BadLineException {
        if (arguments == null || arguments.isNull()) {
            throw new BadLineException(path, "missing (a JSON object in a string is required)");
        }
        JsonNode parsed = arguments;
        if (arguments.isTextual()) {
            try {
                parsed = JSON.readTree(arguments.textValue());
            } catch (JsonProcessingException e) {
                throw new BadLineException(path, "not valid JSON: " + e.getOriginalMessage());
            }
        }
        if (parsed == null || !parsed.isObject()) {
            throw new BadLineException(path, "must be a JSON object (in a string), not "
                    + (parsed == null ? "nothing" : kind(parsed)));
        }
        return plain(parsed);
    }

    /**
     * Reads tool definitions or calls back from a file this code wrote (replay), as {@link #tools} and
     * {@link #calls} do.
     *
     * @throws IllegalArgumentException "path: why" when they are not valid
     */
    public static List<Map<String, Object>> readTools(JsonNode array, String path) {
        try {
            return tools(array, path);
        } catch (BadLineException e) {
            throw new IllegalArgumentException(e.field() + ": " + e.reason());
        }
    }

    /** @see #readTools */
    public static List<Map<String, Object>> readCalls(JsonNode array, String path) {
        try {
            return calls(array, path);
        } catch (BadLineException e) {
            throw new IllegalArgumentException(e.field() + ": " + e.reason());
        }
    }

    /** Calls in template shape back to OpenAI's JSON, {@code arguments} a string again. */
    public static JsonNode writeCalls(List<Map<String, Object>> calls) {
        var array = JSON.createArrayNode();
        for (Map<String, Object> call : calls) {
            Map<?, ?> function = (Map<?, ?>) call.get("function");
            var node = array.addObject().put("id", (String) call.get("id")).put("type", "function");
            try {
                node.putObject("function").put("name", (String) function.get("name"))
                        .put("arguments", JSON.writeValueAsString(function.get("arguments")));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialise tool call arguments", e);
            }
        }
        return array;
    }

    /** Tool definitions as JSON. */
    public static JsonNode writeTools(List<Map<String, Object>> tools) {
        return JSON.valueToTree(tools);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> plain(JsonNode object) {
        return JSON.convertValue(object, LinkedHashMap.class);
    }
}
