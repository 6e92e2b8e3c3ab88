package dev.scion.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.scion.server.errors.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a request's structured-output fields: OpenAI's {@code response_format} (on completions too, as vLLM
 * takes it) and vLLM's
 * {@code guided_json}, {@code guided_regex}, {@code guided_choice}. At most one may constrain a request: two would
 * have to agree, and silently preferring one would hand back output the client did not ask for.
 */
final class OutputConstraints {
    /** Characters of a schema, regex or choice list as JSON; the compile budget bounds the work behind them. */
    static final int MAX_CONSTRAINT_CHARS = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> GUIDED = List.of("guided_json", "guided_regex", "guided_choice");

    private OutputConstraints() {}

    /** The constraint, or null for free text. */
    static OutputConstraint parse(JsonNode body) {
        List<OutputConstraint> found = new ArrayList<>();
        OutputConstraint format = responseFormat(body);
        if (format != null) {
            found.add(format);
        }
        for (String name : GUIDED) {
            JsonNode v = Fields.value(body, name);
            if (v != null) {
                found.add(guided(name, v));
            }
        }
        if (found.size() > 1) {
            throw new InvalidRequestException("at most one of response_format (other than text), guided_json,"
                    + " guided_regex and guided_choice may be set; got " + found.stream().map(c -> c.param()).toList(),
                    found.get(1).param());
        }
        return found.isEmpty() ? null : found.get(0);
    }

    private static OutputConstraint responseFormat(JsonNode body) {
        JsonNode format = Fields.optionalObject(body, "response_format", "response_format");
        if (format == null) {
            return null;
        }
        String type = Fields.requiredString(format, "type", "response_format.type");
        return switch (type) {
            case "text" -> null;
            case "json_object" -> OutputConstraint.jsonObject("response_format");
            case "json_schema" -> jsonSchema(format);
            default -> throw new InvalidRequestException("response_format.type must be \"text\", \"json_object\" or"
                    + " \"json_schema\", got \"" + type + "\"", "response_format.type");
        };
    }

    private static OutputConstraint jsonSchema(JsonNode format) {
        JsonNode spec = Fields.optionalObject(format, "json_schema", "response_format.json_schema");
        if (spec == null) {
            throw new InvalidRequestException("response_format.json_schema is required for type \"json_schema\"",
                    "response_format.json_schema");
        }
        String name = Fields.requiredNonEmptyString(spec, "name", "response_format.json_schema.name");
        if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new InvalidRequestException("response_format.json_schema.name must be 1 to 64 letters, digits,"
                    + " underscores or dashes, got \"" + name + "\"", "response_format.json_schema.name");
        }
        Fields.optionalString(spec, "description", "response_format.json_schema.description");
        JsonNode strict = Fields.value(spec, "strict");
        if (strict != null && !strict.isBoolean()) {
            throw new InvalidRequestException("response_format.json_schema.strict must be a boolean",
                    "response_format.json_schema.strict");
        }
        // strict false still gets the guarantee: Scion has no weaker mode to fall back to
        String param = "response_format.json_schema.schema";
        JsonNode schema = Fields.optionalObject(spec, "schema", param);
        if (schema == null) {
            // OpenAI's default when the schema is left out is an empty one: any JSON value
            schema = JsonNodeFactory.instance.objectNode();
        }
        return OutputConstraint.jsonSchema(param, bounded(schema, param));
    }

    private static OutputConstraint guided(String name, JsonNode v) {
        return switch (name) {
            case "guided_json" -> OutputConstraint.jsonSchema(name, bounded(guidedSchema(v), name));
            case "guided_regex" -> {
                if (!v.isTextual() || v.textValue().isEmpty()) {
                    throw new InvalidRequestException("guided_regex must be a non-empty string", name);
                }
                bounded(v, name);
                yield OutputConstraint.regex(name, v.textValue());
            }
            default -> OutputConstraint.choice(name, bounded(v, name), choices(v));
        };
    }

    /** vLLM takes the schema as an object or as a string holding one. */
    private static JsonNode guidedSchema(JsonNode v) {
        if (v.isObject()) {
            return v;
        }
        if (v.isTextual()) {
            try {
                JsonNode parsed = JSON.readTree(v.textValue());
                if (parsed != null && parsed.isObject()) {
                    return parsed;
                }
            } catch (JsonProcessingException e) {
                // answered below
            }
        }
        throw new InvalidRequestException("guided_json must be a JSON schema: an object, or a string holding one",
                "guided_json");
    }

    private static List<String> choices(JsonNode v) {
        if (!v.isArray() || v.isEmpty()) {
            throw new InvalidRequestException("guided_choice must be a non-empty array of strings", "guided_choice");
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw new InvalidRequestException("guided_choice[" + i + "] must be a string", "guided_choice[" + i + "]");
            }
            out.add(v.get(i).textValue());
        }
        return out;
    }

    private static JsonNode bounded(JsonNode v, String param) {
        int chars = v.isTextual() ? v.textValue().length() : v.toString().length();
        if (chars > MAX_CONSTRAINT_CHARS) {
            throw new InvalidRequestException(param + " is too large: " + chars + " characters, at most "
                    + MAX_CONSTRAINT_CHARS, param);
        }
        return v;
    }
}
