package dev.scion.engine.constrain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The constraints a request can ask for, compiled into {@link Grammar}s. Each throws
 * {@link InvalidConstraintException} (for schemas {@link UnsupportedSchemaException} naming the
 * keyword) for what it cannot guarantee, and never ignores part of a constraint.
 */
public final class Grammars {
    /** Levels of nested objects and arrays in a free JSON document. */
    public static final int MAX_JSON_NESTING = 32;
    static final int MAX_CHOICES = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Grammars() {}

    /** Any JSON object (OpenAI's {@code response_format: json_object}). */
    public static Grammar jsonObject() {
        GrammarBuilder g = new GrammarBuilder();
        JsonValueRules any = new JsonValueRules(g);
        return g.build(any.object, MAX_JSON_NESTING, "JSON object");
    }

    /** Any JSON value. */
    public static Grammar jsonValue() {
        GrammarBuilder g = new GrammarBuilder();
        JsonValueRules any = new JsonValueRules(g);
        int root = g.declare("value");
        g.define(root, any.value());
        return g.build(root, MAX_JSON_NESTING + 1, "JSON value");
    }

    /** Documents valid under a schema of the strict-mode subset (see {@link JsonSchemaCompiler}). */
    public static Grammar jsonSchema(JsonNode schema) {
        return JsonSchemaCompiler.compile(schema);
    }

    /**
     * {@code prefix}, then a document valid under the schema, then {@code suffix}: e.g. a forced tool call,
     * {@code <tool_call>\n{...}\n</tool_call>}. The fixed texts are written byte by byte, with ordinary tokens.
     */
    public static Grammar jsonSchemaBetween(String prefix, JsonNode schema, String suffix) {
        return JsonSchemaCompiler.compileBetween(prefix, schema, suffix);
    }

    public static Grammar jsonSchema(String schemaJson) {
        try {
            return jsonSchema(JSON.readTree(schemaJson));
        } catch (JsonProcessingException e) {
            throw new InvalidConstraintException("the schema is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Outputs the whole of which matches the regex (vLLM's {@code guided_regex}; see {@link RegexCompiler}). */
    public static Grammar regex(String pattern) {
        return RegexCompiler.compile(pattern);
    }

    /** Exactly one of the strings (vLLM's {@code guided_choice}). */
    public static Grammar choice(List<String> choices) {
        if (choices.isEmpty()) {
            throw new InvalidConstraintException("a choice needs at least one string");
        }
        if (choices.size() > MAX_CHOICES) {
            throw new InvalidConstraintException("more than " + MAX_CHOICES + " choices");
        }
        List<Expr> options = new ArrayList<>();
        for (String c : new LinkedHashSet<>(choices)) {
            options.add(Expr.literal(c));
        }
        GrammarBuilder g = new GrammarBuilder();
        int root = g.declare("choice");
        g.define(root, Expr.alt(options));
        return g.build(root, 1, "choice");
    }
}
