package dev.scion.server.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites an OpenAPI 3.1 document into the 3.0 dialect that swagger-request-validator 2.44 checks in full.
 *
 * <p>Why: the validator turns each schema into JSON through swagger-core's 3.0 serializer and checks it with a
 * draft-4 validator. Given a 3.1 document, that serializer drops every {@code type} (3.1 types are kept in a set it
 * does not write), so wrong types, {@code "null"} alternatives and numeric bounds pass unnoticed. Given the same
 * schemas in 3.0 form, every keyword is enforced. The published spec stays 3.1; only what the tests hand the
 * validator is 3.0, and the rewrite refuses 3.1 keywords it cannot express rather than silently dropping them.
 *
 * <p>Rewrites: {@code type: [T, "null"]} to {@code type: T, nullable: true}; {@code const} to a one-value
 * {@code enum}; numeric {@code exclusiveMinimum}/{@code exclusiveMaximum} to the 3.0 boolean form; schema
 * {@code examples} (an array) dropped; {@code $ref} beside {@code nullable: true} (a 3.0 habit OpenAI's 3.1 spec
 * keeps) to {@code anyOf: [$ref, {type: "null"}]}, which is what its authors mean. {@code anyOf} with
 * {@code {type: "null"}} needs no rewrite: draft 4 knows the null type.
 */
final class Oas31Downgrade {

    private static final Set<String> INEXPRESSIBLE = Set.of("prefixItems", "$defs", "if", "then", "else",
            "dependentRequired", "dependentSchemas", "unevaluatedProperties", "unevaluatedItems", "contains",
            "propertyNames", "$dynamicRef", "$anchor");
    /** Maps whose keys are names chosen by the author, not keywords. */
    private static final Set<String> NAME_MAPS = Set.of("properties", "schemas", "paths", "responses", "headers",
            "content", "securitySchemes", "parameters", "examples", "patternProperties", "requestBodies", "links",
            "callbacks", "encoding", "variables", "mapping");

    private Oas31Downgrade() {}

    /** A rewritten copy; the input is not modified. */
    static ObjectNode toOpenApi30(JsonNode document) {
        if (!document.path("openapi").asText().startsWith("3.1")) {
            throw new IllegalArgumentException("expected an OpenAPI 3.1 document, got openapi: "
                    + document.path("openapi").asText());
        }
        ObjectNode copy = document.deepCopy();
        rewrite(copy, "$");
        copy.put("openapi", "3.0.3");
        copy.remove("jsonSchemaDialect");
        copy.remove("webhooks");
        ((ObjectNode) copy.path("info")).remove("summary");
        if (copy.path("info").path("license").has("identifier")) {
            ((ObjectNode) copy.path("info").path("license")).remove("identifier");
        }
        return copy;
    }

    private static void rewrite(JsonNode node, String where) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                rewrite(node.get(i), where + "[" + i + "]");
            }
        } else if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            rewriteKeywords(object, where);
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String path = where + "." + field.getKey();
                if (NAME_MAPS.contains(field.getKey()) && field.getValue().isObject()) {
                    field.getValue().fields().forEachRemaining(named -> rewrite(named.getValue(),
                            path + "." + named.getKey()));
                } else {
                    rewrite(field.getValue(), path);
                }
            }
        }
    }

    private static void rewriteKeywords(ObjectNode schema, String where) {
        for (String keyword : INEXPRESSIBLE) {
            if (schema.has(keyword)) {
                throw new IllegalArgumentException(where + ": the 3.1 keyword '" + keyword
                        + "' has no 3.0 equivalent that swagger-request-validator enforces");
            }
        }
        JsonNode type = schema.get("type");
        if (type != null && type.isArray()) {
            schema.set("type", singleType((ArrayNode) type, schema, where));
        }
        if (schema.has("const")) {
            schema.set("enum", JsonNodeFactory.instance.arrayNode().add(schema.remove("const")));
        }
        exclusiveBound(schema, "exclusiveMinimum", "minimum");
        exclusiveBound(schema, "exclusiveMaximum", "maximum");
        if (schema.path("examples").isArray()) {
            schema.remove("examples");
        }
        if (schema.has("$ref") && schema.path("nullable").asBoolean(false)) {
            ObjectNode ref = JsonNodeFactory.instance.objectNode().set("$ref", schema.remove("$ref"));
            schema.remove("nullable");
            schema.putArray("anyOf").add(ref).addObject().put("type", "null");
        }
    }

    /** {@code [T]} or {@code [T, "null"]}; several non-null types would need anyOf and are refused. */
    private static JsonNode singleType(ArrayNode types, ObjectNode schema, String where) {
        List<String> concrete = new ArrayList<>();
        boolean nullable = false;
        for (JsonNode t : types) {
            if (t.asText().equals("null")) {
                nullable = true;
            } else {
                concrete.add(t.asText());
            }
        }
        if (concrete.size() != 1) {
            throw new IllegalArgumentException(where + ": type " + types
                    + " must name exactly one type besides \"null\"; use anyOf for alternatives");
        }
        if (nullable) {
            schema.put("nullable", true);
        }
        return JsonNodeFactory.instance.textNode(concrete.get(0));
    }

    private static void exclusiveBound(ObjectNode schema, String exclusive, String inclusive) {
        JsonNode bound = schema.get(exclusive);
        if (bound != null && bound.isNumber()) {
            if (schema.has(inclusive)) {
                throw new IllegalArgumentException("a schema sets both " + exclusive + " and " + inclusive);
            }
            schema.set(inclusive, bound);
            schema.put(exclusive, true);
        }
    }
}
