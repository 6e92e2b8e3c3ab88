package dev.scion.engine.constrain;

import static dev.scion.engine.constrain.Expr.alt;
import static dev.scion.engine.constrain.Expr.literal;
import static dev.scion.engine.constrain.Expr.seq;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles the JSON Schema subset of OpenAI's strict mode into grammar rules. Decisions where the
 * subset leaves room:
 * <ul>
 *   <li>Properties are written in the schema's declared order; required ones always, optional ones
 *       (outside strict mode) may be left out. No other property is ever written, so
 *       {@code additionalProperties} may be {@code false} or {@code true}/absent (an output without
 *       extra properties is valid either way); a schema as its value is refused.</li>
 *   <li>{@code {"type": "object"}} without {@code properties} is any JSON object; {@code {}} is any value.</li>
 *   <li>{@code enum} and {@code const} values are written as Jackson writes them compactly;
 *       a {@code type} beside them keeps only the values of that type.</li>
 *   <li>{@code $ref} is local only ({@code #}, {@code #/$defs/...}, any pointer into the document) and
 *       becomes a call, so recursive definitions work to the grammar's depth.</li>
 *   <li>Every other keyword that constrains values ({@code pattern}, {@code format}, {@code minimum},
 *       {@code minLength}, {@code oneOf}, {@code allOf}, {@code not}, ...) is refused by name.</li>
 * </ul>
 */
final class JsonSchemaCompiler {
    /** Keywords that describe and never constrain. */
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "$schema", "$id", "$comment",
            "default", "examples", "$defs", "definitions", "strict", "name");
    private static final Set<String> CONSTRAINING = Set.of("type", "properties", "required", "additionalProperties",
            "items", "minItems", "maxItems", "enum", "const", "anyOf", "$ref");
    /** Schema objects one compile may visit; references are compiled once each. */
    static final int MAX_SCHEMA_NODES = 5_000;
    static final int MAX_SCHEMA_NESTING = 64;
    /** Nested objects, arrays and references a document may use. */
    static final int MAX_DEPTH = 33;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode root;
    private final GrammarBuilder grammar = new GrammarBuilder();
    private final Map<String, Integer> refRules = new HashMap<>();
    private JsonValueRules anyValue; // declared on first use
    private int nodes;

    private JsonSchemaCompiler(JsonNode root) {
        this.root = root;
    }

    static Grammar compile(JsonNode schema) {
        JsonSchemaCompiler c = new JsonSchemaCompiler(schema);
        int top = c.grammar.declare("#");
        c.refRules.put("#", top);
        c.grammar.define(top, c.schema(schema, 0));
        return c.grammar.build(top, MAX_DEPTH, "JSON schema");
    }

    /** A document of the schema with fixed text before and after it, say a tool call's markers. */
    static Grammar compileBetween(String prefix, JsonNode schema, String suffix) {
        JsonSchemaCompiler c = new JsonSchemaCompiler(schema);
        int top = c.grammar.declare("#");
        c.refRules.put("#", top);
        c.grammar.define(top, c.schema(schema, 0));
        int wrapper = c.grammar.declare("between");
        c.grammar.define(wrapper, Expr.seq(Expr.literal(prefix), new Expr.Call(top), Expr.literal(suffix)));
        return c.grammar.build(wrapper, MAX_DEPTH + 1, "JSON schema between fixed text"); // + 1: the wrapper's frame
    }

    private Expr schema(JsonNode s, int nesting) {
        if (++nodes > MAX_SCHEMA_NODES) {
            throw new InvalidConstraintException("the schema is too large: more than " + MAX_SCHEMA_NODES
                    + " subschemas");
        }
        if (nesting > MAX_SCHEMA_NESTING) {
            throw new InvalidConstraintException("the schema nests deeper than " + MAX_SCHEMA_NESTING + " levels");
        }
        if (s.isBoolean()) {
            if (!s.booleanValue()) {
                throw new InvalidConstraintException("the schema 'false' matches no document");
            }
            return any().value();
        }
        if (!s.isObject()) {
            throw new InvalidConstraintException("a schema must be an object or a boolean, got " + s.getNodeType());
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String keyword = it.next();
            if (!ANNOTATIONS.contains(keyword) && !CONSTRAINING.contains(keyword)) {
                throw new UnsupportedSchemaException(keyword);
            }
        }
        if (s.has("$ref")) {
            refuseBeside(s, "$ref");
            return new Expr.Call(ref(s.get("$ref"), nesting));
        }
        if (s.has("anyOf")) {
            refuseBeside(s, "anyOf");
            JsonNode options = s.get("anyOf");
            if (!options.isArray() || options.isEmpty()) {
                throw new InvalidConstraintException("'anyOf' must be a non-empty list of schemas");
            }
            List<Expr> out = new ArrayList<>();
            for (JsonNode option : options) {
                out.add(schema(option, nesting + 1));
            }
            return alt(out);
        }
        List<String> types = types(s);
        if (s.has("enum") || s.has("const")) {
            return values(s, types);
        }
        List<Expr> out = new ArrayList<>();
        for (String type : types) {
            out.add(typed(type, s, nesting));
        }
        return alt(out);
    }

    private static void refuseBeside(JsonNode s, String keyword) {
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String other = it.next();
            if (!other.equals(keyword) && CONSTRAINING.contains(other)) {
                throw new UnsupportedSchemaException(other, "beside '" + keyword + "' (put it inside the "
                        + keyword + " instead)");
            }
        }
    }

    /** The declared types, or what the keywords imply, or every type. */
    private static List<String> types(JsonNode s) {
        JsonNode type = s.get("type");
        List<String> out = new ArrayList<>();
        if (type == null) {
            if (s.has("properties") || s.has("additionalProperties") || s.has("required")) {
                out.add("object");
            } else if (s.has("items") || s.has("minItems") || s.has("maxItems")) {
                out.add("array");
            } else {
                out.add("any");
            }
            return out;
        }
        if (type.isTextual()) {
            out.add(type.textValue());
        } else if (type.isArray() && !type.isEmpty()) {
            for (JsonNode t : type) {
                if (!t.isTextual()) {
                    throw new InvalidConstraintException("'type' lists " + t + ", not a type name");
                }
                out.add(t.textValue());
            }
        } else {
            throw new InvalidConstraintException("'type' must be a type name or a non-empty list of them");
        }
        return out;
    }

    private Expr typed(String type, JsonNode s, int nesting) {
        switch (type) {
            case "string":
                return JsonTokens.string(grammar);
            case "number":
                return JsonTokens.number();
            case "integer":
                return JsonTokens.integer();
            case "boolean":
                return JsonTokens.bool();
            case "null":
                return JsonTokens.nul();
            case "object":
                return object(s, nesting);
            case "array":
                return array(s, nesting);
            case "any":
                return any().value();
            default:
                throw new InvalidConstraintException("unknown type '" + type + "'");
        }
    }

    private Expr object(JsonNode s, int nesting) {
        JsonNode additional = s.get("additionalProperties");
        if (additional != null && !additional.isBoolean()) {
            throw new UnsupportedSchemaException("additionalProperties", "only false (or true) is supported, "
                    + "not a schema for extra properties");
        }
        JsonNode properties = s.get("properties");
        if (properties == null) {
            if (additional != null && !additional.booleanValue()) {
                return literalJson("{}"); // the only object without properties
            }
            if (s.has("required") && !s.get("required").isEmpty()) {
                throw new InvalidConstraintException("'required' names properties that 'properties' does not declare");
            }
            return new Expr.Call(any().object);
        }
        if (!properties.isObject()) {
            throw new InvalidConstraintException("'properties' must be an object");
        }
        Set<String> required = required(s, properties);
        List<Expr> members = new ArrayList<>();
        List<Boolean> mandatory = new ArrayList<>();
        Expr ws = JsonTokens.whitespace(grammar);
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            members.add(seq(literalJson(jsonString(p.getKey())), ws, literal(":"), ws,
                    schema(p.getValue(), nesting + 1)));
            mandatory.add(required.contains(p.getKey()));
        }
        return ObjectLayout.of(members, mandatory, ws);
    }

    private static Set<String> required(JsonNode s, JsonNode properties) {
        JsonNode required = s.get("required");
        if (required == null) {
            return Set.of();
        }
        if (!required.isArray()) {
            throw new InvalidConstraintException("'required' must be a list of property names");
        }
        Set<String> out = new java.util.HashSet<>();
        for (JsonNode name : required) {
            if (!name.isTextual() || !properties.has(name.textValue())) {
                throw new InvalidConstraintException("'required' names " + name + ", which 'properties' does not declare");
            }
            out.add(name.textValue());
        }
        return out;
    }

    private Expr array(JsonNode s, int nesting) {
        JsonNode itemsSchema = s.get("items");
        if (itemsSchema != null && itemsSchema.isArray()) {
            throw new UnsupportedSchemaException("items", "a list of schemas (tuple validation)");
        }
        Expr item = itemsSchema == null ? any().value() : schema(itemsSchema, nesting + 1);
        int min = count(s, "minItems", 0);
        int max = count(s, "maxItems", Expr.Repeat.UNBOUNDED);
        if (max != Expr.Repeat.UNBOUNDED && max < min) {
            throw new InvalidConstraintException("'maxItems' " + max + " is below 'minItems' " + min);
        }
        Expr ws = JsonTokens.whitespace(grammar);
        if (max == 0) {
            return seq(literal("["), ws, literal("]"));
        }
        Expr more = seq(ws, literal(","), ws, item);
        int moreMax = max == Expr.Repeat.UNBOUNDED ? max : max - 1;
        Expr items = seq(item, Expr.repeat(more, Math.max(0, min - 1), moreMax));
        Expr close = seq(ws, literal("]"));
        return min == 0 ? seq(literal("["), ws, alt(literal("]"), seq(items, close))) : seq(literal("["), ws, items,
                close);
    }

    private static int count(JsonNode s, String keyword, int absent) {
        JsonNode n = s.get(keyword);
        if (n == null) {
            return absent;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() < 0) {
            throw new InvalidConstraintException("'" + keyword + "' must be a non-negative integer");
        }
        return n.intValue();
    }

    /** {@code enum}/{@code const}: each value's compact JSON, kept only if it has one of the declared types. */
    private Expr values(JsonNode s, List<String> types) {
        List<JsonNode> values = new ArrayList<>();
        JsonNode list = s.get("enum");
        if (list != null && (!list.isArray() || list.isEmpty())) {
            throw new InvalidConstraintException("'enum' must be a non-empty list");
        }
        if (s.has("const")) {
            if (list != null && !contains(list, s.get("const"))) {
                throw new InvalidConstraintException("'const' is not one of the 'enum' values");
            }
            values.add(s.get("const"));
        } else {
            list.forEach(values::add);
        }
        Map<String, Expr> out = new LinkedHashMap<>();
        for (JsonNode v : values) {
            if (types.contains("any") || types.stream().anyMatch(t -> hasType(v, t))) {
                String text = write(v);
                out.put(text, literalJson(text));
            }
        }
        if (out.isEmpty()) {
            throw new InvalidConstraintException("no value of 'enum'/'const' fits the schema's 'type'");
        }
        return alt(new ArrayList<>(out.values()));
    }

    private static boolean contains(JsonNode list, JsonNode value) {
        for (JsonNode v : list) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }

    static boolean hasType(JsonNode v, String type) {
        switch (type) {
            case "string": return v.isTextual();
            case "number": return v.isNumber();
            case "integer": return v.isIntegralNumber() || (v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0);
            case "boolean": return v.isBoolean();
            case "null": return v.isNull();
            case "object": return v.isObject();
            case "array": return v.isArray();
            default: return false;
        }
    }

    private int ref(JsonNode refNode, int nesting) {
        if (!refNode.isTextual()) {
            throw new InvalidConstraintException("'$ref' must be a string");
        }
        String ref = refNode.textValue();
        Integer known = refRules.get(ref);
        if (known != null) {
            return known;
        }
        if (!ref.startsWith("#")) {
            throw new UnsupportedSchemaException("$ref", "only local references (#/$defs/...) are supported, not "
                    + ref);
        }
        JsonNode target;
        try {
            target = root.at(JsonPointer.compile(ref.substring(1)));
        } catch (IllegalArgumentException e) {
            throw new InvalidConstraintException("'$ref' " + ref + " is not a JSON pointer");
        }
        if (target.isMissingNode()) {
            throw new InvalidConstraintException("'$ref' " + ref + " points to nothing in the schema");
        }
        int rule = grammar.declare(ref);
        refRules.put(ref, rule); // before compiling the target, so a recursive reference finds it
        grammar.define(rule, schema(target, nesting + 1));
        return rule;
    }

    private JsonValueRules any() {
        if (anyValue == null) {
            anyValue = new JsonValueRules(grammar);
        }
        return anyValue;
    }

    private static Expr literalJson(String json) {
        return literal(json);
    }

    private static String jsonString(String s) {
        return write(JSON.getNodeFactory().textNode(s));
    }

    private static String write(JsonNode v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
