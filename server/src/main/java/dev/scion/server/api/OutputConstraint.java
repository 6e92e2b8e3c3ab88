package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.engine.constrain.Grammar;
import dev.scion.engine.constrain.Grammars;
import java.util.List;

/**
 * The structure a request asks its output to have ({@code response_format}, {@code guided_json},
 * {@code guided_regex}, {@code guided_choice}), validated for shape but not yet compiled: compiling is the server's,
 * on a worker thread and through its cache (see {@code ServedConstraints}).
 *
 * @param param  the request field it came from, named in errors (e.g. {@code response_format.json_schema.schema})
 * @param key    what identifies the compiled constraint: the kind and the constraint as compact JSON, in the
 *               order the client wrote it (property order is part of a schema's meaning here: properties are
 *               written in declared order)
 */
public record OutputConstraint(Kind kind, String param, String key, JsonNode schema, String regex,
                               List<String> choices) {

    public enum Kind { JSON_OBJECT, JSON_SCHEMA, REGEX, CHOICE, TOOL_CALL }

    /** A forced call is one Hermes call, as the Hermes parser reads it: markers on their own lines. */
    static final String CALL_START = "<tool_call>\n";
    static final String CALL_END = "\n</tool_call>";

    static OutputConstraint jsonObject(String param) {
        return new OutputConstraint(Kind.JSON_OBJECT, param, "json_object", null, null, null);
    }

    static OutputConstraint jsonSchema(String param, JsonNode schema) {
        return new OutputConstraint(Kind.JSON_SCHEMA, param, "json_schema:" + schema, schema, null, null);
    }

    static OutputConstraint regex(String param, String regex) {
        return new OutputConstraint(Kind.REGEX, param, "regex:" + regex, null, regex, null);
    }

    static OutputConstraint choice(String param, JsonNode array, List<String> choices) {
        return new OutputConstraint(Kind.CHOICE, param, "choice:" + array, null, null, List.copyOf(choices));
    }

    /** One call in the Hermes format whose JSON is valid under {@code schema} (see {@link ForcedToolCall}). */
    static OutputConstraint toolCall(String param, JsonNode schema) {
        return new OutputConstraint(Kind.TOOL_CALL, param, "tool_call:" + schema, schema, null, null);
    }

    /** Compiles the grammar; may take milliseconds and throws {@code InvalidConstraintException} for what it refuses. */
    public Grammar compile() {
        return switch (kind) {
            case JSON_OBJECT -> Grammars.jsonObject();
            case JSON_SCHEMA -> Grammars.jsonSchema(schema);
            case REGEX -> Grammars.regex(regex);
            case CHOICE -> Grammars.choice(choices);
            case TOOL_CALL -> Grammars.jsonSchemaBetween(CALL_START, schema, CALL_END);
        };
    }
}
