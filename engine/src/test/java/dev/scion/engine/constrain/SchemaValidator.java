package dev.scion.engine.constrain;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Checks a value against a schema of the supported subset, independently of the compiler: the
 * test oracle for the guarantee. Returns the first problem found, or null when the value is valid.
 */
public final class SchemaValidator {
    private final JsonNode root;

    public SchemaValidator(JsonNode root) {
        this.root = root;
    }

    public String problem(JsonNode value) {
        return problem(root, value, "$");
    }

    private String problem(JsonNode s, JsonNode v, String at) {
        if (s.has("$ref")) {
            return problem(root.at(JsonPointer.compile(s.get("$ref").textValue().substring(1))), v, at);
        }
        if (s.has("anyOf")) {
            for (JsonNode option : s.get("anyOf")) {
                if (problem(option, v, at) == null) {
                    return null;
                }
            }
            return at + ": matches no anyOf option";
        }
        if (s.has("const") && !s.get("const").equals(v)) {
            return at + ": not the const";
        }
        if (s.has("enum")) {
            boolean found = false;
            for (JsonNode e : s.get("enum")) {
                found |= e.equals(v);
            }
            if (!found) {
                return at + ": not in the enum";
            }
        }
        JsonNode type = s.get("type");
        if (type != null) {
            boolean ok = false;
            for (JsonNode t : type.isArray() ? type : java.util.List.of(type)) {
                ok |= hasType(v, t.textValue());
            }
            if (!ok) {
                return at + ": not of type " + type;
            }
        }
        if (v.isObject()) {
            JsonNode props = s.path("properties");
            for (JsonNode r : s.path("required")) {
                if (!v.has(r.textValue())) {
                    return at + ": missing required " + r;
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (props.has(f.getKey())) {
                    String p = problem(props.get(f.getKey()), f.getValue(), at + "." + f.getKey());
                    if (p != null) {
                        return p;
                    }
                } else if (s.path("additionalProperties").isBoolean() && !s.get("additionalProperties").booleanValue()) {
                    return at + ": additional property " + f.getKey();
                }
            }
        }
        if (v.isArray()) {
            if (s.has("minItems") && v.size() < s.get("minItems").intValue()) {
                return at + ": fewer than minItems";
            }
            if (s.has("maxItems") && v.size() > s.get("maxItems").intValue()) {
                return at + ": more than maxItems";
            }
            if (s.has("items")) {
                for (int i = 0; i < v.size(); i++) {
                    String p = problem(s.get("items"), v.get(i), at + "[" + i + "]");
                    if (p != null) {
                        return p;
                    }
                }
            }
        }
        return null;
    }

    private static boolean hasType(JsonNode v, String type) {
        switch (type) {
            case "string": return v.isTextual();
            case "integer": return v.isIntegralNumber();
            case "number": return v.isNumber();
            case "boolean": return v.isBoolean();
            case "null": return v.isNull();
            case "object": return v.isObject();
            case "array": return v.isArray();
            default: throw new AssertionError("type " + type);
        }
    }
}
