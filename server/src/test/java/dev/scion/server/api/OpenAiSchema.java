package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.github.fge.jsonschema.core.exceptions.ProcessingException;
import com.github.fge.jsonschema.core.report.LogLevel;
import com.github.fge.jsonschema.core.report.ProcessingMessage;
import com.github.fge.jsonschema.core.report.ProcessingReport;
import com.github.fge.jsonschema.main.JsonSchemaFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's own schemas (the unmodified openai-openapi.yaml, a test resource) as a JSON-schema validator.
 *
 * <p>Why not swagger-request-validator's SchemaValidator: it parses this OpenAPI 3.1 document, but it loses the
 * {@code type} of every {@code anyOf} branch, so {@code "refusal": 5} or {@code "logprob": "x"} pass (measured);
 * a validator that cannot fail proves nothing. Instead the schemas are read as they are and validated with
 * java-json-tools' draft-04 validator (already on the test classpath), after translating the few OpenAPI keywords
 * draft 4 lacks, each to its exact draft-04 meaning:
 * <ul>
 *   <li>{@code nullable: true} (OpenAPI 3.0, still used in places): null is also allowed ({@code "null"} added to
 *       {@code type} and {@code enum}; beside a {@code $ref}, which draft 4 reads alone, an {@code anyOf} with
 *       {@code {"type": "null"}});</li>
 *   <li>{@code const: x}: {@code enum: [x]};</li>
 *   <li>numeric {@code exclusiveMinimum}/{@code exclusiveMaximum} (3.1): the draft-04 boolean form;</li>
 *   <li>{@code required: []} (meaningless, but a syntax error in draft 4): removed.</li>
 * </ul>
 */
final class OpenAiSchema {

    private static final String RESOURCE = "/openai/openai-openapi.yaml";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private static OpenAiSchema instance;

    private final ObjectNode root;

    private OpenAiSchema(ObjectNode root) {
        this.root = root;
    }

    static synchronized OpenAiSchema get() {
        if (instance == null) {
            try (InputStream in = OpenAiSchema.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing test resource " + RESOURCE);
                }
                JsonNode document = new ObjectMapper(new YAMLFactory()).readTree(in);
                ObjectNode root = JSON.objectNode();
                root.putObject("components").set("schemas", translate(document.path("components").path("schemas")));
                instance = new OpenAiSchema(root);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** The schema errors of {@code instance} against {@code components.schemas.<name>}; empty when valid. */
    List<String> errors(String name, JsonNode instance) {
        return errors(root, name, instance);
    }

    /**
     * Like {@link #errors}, against a copy of the document in which one JSON-pointer location has been replaced:
     * for the one documented place where OpenAI's schema and OpenAI's wire behaviour disagree.
     */
    List<String> errorsWithOverride(String name, String pointer, JsonNode replacement, JsonNode instance) {
        ObjectNode copy = root.deepCopy();
        int cut = pointer.lastIndexOf('/');
        JsonNode parent = copy.at(pointer.substring(0, cut));
        if (!(parent instanceof ObjectNode object) || !object.has(pointer.substring(cut + 1))) {
            throw new IllegalArgumentException("no schema at " + pointer);
        }
        object.set(pointer.substring(cut + 1), replacement);
        return errors(copy, name, instance);
    }

    private static List<String> errors(ObjectNode root, String name, JsonNode instance) {
        if (!root.path("components").path("schemas").has(name)) {
            throw new IllegalArgumentException("OpenAI's document has no schema " + name);
        }
        try {
            ProcessingReport report = JsonSchemaFactory.byDefault()
                    .getJsonSchema(root, "/components/schemas/" + name).validate(instance, true);
            List<String> errors = new ArrayList<>();
            for (ProcessingMessage message : report) {
                if (message.getLogLevel().compareTo(LogLevel.ERROR) >= 0) {
                    errors.add(message.toString());
                }
            }
            return errors;
        } catch (ProcessingException e) {
            throw new IllegalStateException("the schema " + name + " could not be used: " + e.getMessage(), e);
        }
    }

    private static JsonNode translate(JsonNode node) {
        if (node.isArray()) {
            ArrayNode out = JSON.arrayNode();
            node.forEach(element -> out.add(translate(element)));
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode out = JSON.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            // "properties" maps names to schemas: a property may itself be called "const" or "nullable".
            out.set(field.getKey(), field.getKey().equals("properties") ? translateEach(field.getValue())
                    : translate(field.getValue()));
        }
        return keywords(out);
    }

    private static JsonNode translateEach(JsonNode properties) {
        if (!properties.isObject()) {
            return properties;
        }
        ObjectNode out = JSON.objectNode();
        properties.fields().forEachRemaining(p -> out.set(p.getKey(), translate(p.getValue())));
        return out;
    }

    private static JsonNode keywords(ObjectNode schema) {
        if (schema.has("const")) {
            schema.set("enum", JSON.arrayNode().add(schema.remove("const")));
        }
        exclusive(schema, "exclusiveMinimum", "minimum");
        exclusive(schema, "exclusiveMaximum", "maximum");
        if (schema.path("required").isArray() && schema.path("required").isEmpty()) {
            schema.remove("required");
        }
        if (!schema.path("nullable").asBoolean(false)) {
            schema.remove("nullable");
            return schema;
        }
        schema.remove("nullable");
        if (schema.has("$ref")) {
            ObjectNode anyOf = JSON.objectNode();
            anyOf.putArray("anyOf").add(schema).add(JSON.objectNode().put("type", "null"));
            return anyOf;
        }
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual()) {
            schema.set("type", JSON.arrayNode().add(type.textValue()).add("null"));
        } else if (type != null && type.isArray()) {
            ((ArrayNode) type).add("null");
        }
        if (schema.get("enum") instanceof ArrayNode values) {
            values.addNull();
        }
        return schema;
    }

    private static void exclusive(ObjectNode schema, String keyword, String bound) {
        JsonNode value = schema.get(keyword);
        if (value != null && value.isNumber()) {
            schema.set(bound, value);
            schema.put(keyword, true);
        }
    }
}
