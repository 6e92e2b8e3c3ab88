package dev.scion.server.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's own schemas (its published spec, copied to {@code openai/openai-openapi.yaml} in the test resources),
 * to check that what Scion sends is what an OpenAI client expects. Only the named schemas and the schemas they
 * reference are taken: the rest of OpenAI's spec is irrelevant here and uses 3.1 keywords the validator cannot
 * enforce. Undeclared properties are allowed, as OpenAI clients ignore them (Scion's vLLM extensions).
 */
public final class OpenAiSchemas {

    public static final String RESOURCE = "openai/openai-openapi.yaml";
    private static final String REF_PREFIX = "#/components/schemas/";
    /** The OpenAI response shapes Scion sends. */
    static final List<String> SHARED = List.of("CreateChatCompletionResponse", "CreateChatCompletionStreamResponse",
            "CreateCompletionResponse", "ListModelsResponse", "Model", "ErrorResponse", "OpenAIFile",
            "ListFilesResponse", "DeleteFileResponse", "FineTuningJob", "ListPaginatedFineTuningJobsResponse", "FineTuningJobEvent",
            "ListFineTuningJobEventsResponse", "FineTuningJobCheckpoint", "ListFineTuningJobCheckpointsResponse",
            "CreateEmbeddingResponse");

    /**
     * Schemas of things Scion never sends (the DPO and reinforcement methods of a job, integrations), taken as any
     * value: their grader schemas use keywords the validator cannot read, and checking them would prove nothing.
     */
    static final java.util.Set<String> OPAQUE = java.util.Set.of("FineTuneDPOMethod", "FineTuneReinforcementMethod",
            "FineTuningIntegration");

    private OpenAiSchemas() {}

    private static final class Holder {
        static final ComponentSchemas SCHEMAS = load();
    }

    /** Errors of {@code json} against OpenAI's schema {@code component}; empty when valid. */
    public static List<String> violations(String component, String json) {
        return Holder.SCHEMAS.violations(component, json);
    }

    private static ComponentSchemas load() {
        JsonNode spec = YamlDocuments.fromClasspath(RESOURCE);
        JsonNode all = spec.path("components").path("schemas");
        ObjectNode subset = JsonNodeFactory.instance.objectNode();
        for (String name : closure(all)) {
            subset.set(name, OPAQUE.contains(name) ? JsonNodeFactory.instance.objectNode() : all.get(name));
        }
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.put("openapi", spec.path("openapi").asText());
        document.putObject("info").put("title", "OpenAI API (shared schemas)").put("version",
                spec.path("info").path("version").asText());
        document.putObject("paths");
        document.putObject("components").set("schemas", subset);
        return ComponentSchemas.of(Oas31Downgrade.toOpenApi30(document), false);
    }

    private static Set<String> closure(JsonNode all) {
        Set<String> names = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>(SHARED);
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (!names.add(name) || OPAQUE.contains(name)) {
                continue;
            }
            JsonNode schema = all.get(name);
            if (schema == null) {
                throw new IllegalStateException("OpenAI's spec has no schema " + name);
            }
            collectRefs(schema, pending);
        }
        return names;
    }

    private static void collectRefs(JsonNode node, Deque<String> into) {
        if (node.isObject() && node.path("$ref").isTextual()) {
            String ref = node.get("$ref").asText();
            if (!ref.startsWith(REF_PREFIX)) {
                throw new IllegalStateException("unexpected reference " + ref);
            }
            into.push(ref.substring(REF_PREFIX.length()));
        }
        node.forEach(child -> collectRefs(child, into));
    }
}
