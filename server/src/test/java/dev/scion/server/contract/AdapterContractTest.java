package dev.scion.server.contract;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The adapter pool's part of the contract accepts what the server sends and rejects what it must not. */
class AdapterContractTest {

    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final Map<String, String> ADMIN = Map.of("Content-Type", "application/json",
            "Authorization", "Bearer admin-key");

    @Test
    void acceptsTheAdapterResponses() {
        OpenApiContract.assertValid("GET", "/v1/adapters", 200, JSON, AdapterSamples.LIST);
        OpenApiContract.assertValid("GET", "/v1/adapters", 200, JSON, "{\"object\": \"list\", \"data\": []}");
        OpenApiContract.assertValid("GET", "/v1/adapters/bot", 200, JSON, AdapterSamples.ADAPTER);
        OpenApiContract.assertValid("GET", "/v1/adapters/nobody", 404, JSON, AdapterSamples.ADAPTER_NOT_FOUND);
        OpenApiContract.assertValid("POST", "/v1/adapters", 201, JSON, AdapterSamples.VERSION);
        OpenApiContract.assertValid("POST", "/v1/load_lora_adapter", 200, JSON, AdapterSamples.VERSION);
        OpenApiContract.assertValid("POST", "/v1/load_lora_adapter", 403, JSON, AdapterSamples.ADMIN_DISABLED);
        OpenApiContract.assertValid("PUT", "/v1/adapters/bot/routing", 200, JSON, AdapterSamples.ROUTING_CANARY);
        OpenApiContract.assertValid("POST", "/v1/adapters/bot/promote", 200, JSON, AdapterSamples.ROUTING_LATEST);
        OpenApiContract.assertValid("POST", "/v1/adapters/bot/rollback", 200, JSON, AdapterSamples.ROUTING_LATEST);
        OpenApiContract.assertValid("GET", "/v1/adapters/bot/events", 200, JSON, AdapterSamples.EVENTS);
        OpenApiContract.assertValid("DELETE", "/v1/adapters/bot/versions/1", 200, JSON,
                "{\"id\": \"bot@1\", \"deleted\": true}");
        OpenApiContract.assertValid("POST", "/v1/unload_lora_adapter", 200, JSON,
                "{\"id\": \"bot\", \"unloaded\": true}");
    }

    @Test
    void rejectsAGenerationWithoutTheServingModelHeader() {
        assertRejected(OpenApiContract.responseViolations("POST", "/v1/chat/completions", 200, JSON,
                Samples.CHAT_COMPLETION), "X-Scion-Model");
        assertRejected(OpenApiContract.responseViolations("POST", "/v1/completions", 200, JSON,
                Samples.COMPLETION), "X-Scion-Model");
    }

    @Test
    void rejectsMalformedAdapterResponses() {
        assertRejected(violations("POST", "/v1/adapters", 201,
                AdapterSamples.VERSION.replace("\"source\": \"upload\"", "\"source\": \"ftp\"")), "ftp");
        assertRejected(violations("POST", "/v1/adapters", 201,
                AdapterSamples.VERSION.replace("ab".repeat(32), "AB")), "sha256");
        assertRejected(violations("POST", "/v1/adapters", 201,
                AdapterSamples.VERSION.replace("\"rank\": 8, ", "")), "rank");
        assertRejected(violations("PUT", "/v1/adapters/bot/routing", 200,
                AdapterSamples.ROUTING_CANARY.replace("\"user\"", "\"session\"")), "sticky");
        assertRejected(violations("PUT", "/v1/adapters/bot/routing", 200,
                AdapterSamples.ROUTING_CANARY.replace("10", "101")), "maximum");
        assertRejected(violations("PUT", "/v1/adapters/bot/routing", 200,
                AdapterSamples.ROUTING_LATEST.replace(", \"auto_rollback\": null", "")), "auto_rollback");
        assertRejected(violations("GET", "/v1/adapters/bot", 200, "{\"id\": \"bot\", \"object\": \"adapter\","
                + " \"latest\": 1, \"routing\": " + AdapterSamples.ROUTING_LATEST + ", \"versions\": []}"), "versions");
        assertRejected(violations("GET", "/v1/adapters/bot/events", 200,
                AdapterSamples.EVENTS.replace("\"refused\"", "\"denied\"")), "denied");
    }

    @Test
    void acceptsTheAdminRequestsAndRejectsMalformedOnes() {
        OpenApiContract.assertValidRequest("PUT", "/v1/adapters/bot/routing", ADMIN,
                AdapterSamples.ROUTING_CANARY);
        OpenApiContract.assertValidRequest("PUT", "/v1/adapters/bot/routing", ADMIN, "{\"stable\": 3}");
        OpenApiContract.assertValidRequest("PUT", "/v1/adapters/bot/routing", ADMIN, "{\"stable\": 1, \"canary\": 2,"
                + " \"canary_percent\": 5, \"auto_rollback\": {\"max_error_rate\": 0.1}}"); // min_requests: 100
        assertRejected(OpenApiContract.requestViolations("PUT", "/v1/adapters/bot/routing", ADMIN,
                "{\"stable\": 1, \"canary_percentage\": 5}"), "canary_percentage");
        assertRejected(OpenApiContract.requestViolations("PUT", "/v1/adapters/bot/routing", ADMIN,
                "{\"stable\": 1, \"canary\": 2, \"canary_percent\": 5, \"auto_rollback\": {\"min_requests\": 10}}"),
                "max_error_rate");
        OpenApiContract.assertValidRequest("POST", "/v1/load_lora_adapter", ADMIN,
                "{\"lora_name\": \"bot\", \"lora_path\": \"/adapters/bot\", \"load_inplace\": true}");
        OpenApiContract.assertValidRequest("POST", "/v1/unload_lora_adapter", ADMIN,
                "{\"lora_name\": \"bot\"}");
        assertRejected(OpenApiContract.requestViolations("PUT", "/v1/adapters/bot/routing", ADMIN,
                "{\"stable\": 1, \"canary\": 2, \"canary_percent\": 150}"), "maximum");
        assertRejected(OpenApiContract.requestViolations("PUT", "/v1/adapters/bot/routing", ADMIN,
                "{\"stable\": 1, \"canary\": 2, \"canary_percent\": 5, \"auto_rollback\": {\"max_error_rate\": 2,"
                        + " \"min_requests\": 10}}"), "maximum");
        assertRejected(OpenApiContract.requestViolations("PUT", "/v1/adapters/bot/routing", ADMIN,
                "{\"stable\": \"v1\"}"), "stable");
        assertRejected(OpenApiContract.requestViolations("POST", "/v1/load_lora_adapter", ADMIN,
                "{\"lora_name\": \"../escape\", \"lora_path\": \"/x\"}"), "lora_name");
        assertRejected(OpenApiContract.requestViolations("POST", "/v1/load_lora_adapter", ADMIN,
                "{\"lora_name\": \"bot\"}"), "lora_path");
        assertRejected(OpenApiContract.requestViolations("PUT", "/v1/adapters/..%2Fstore/routing", ADMIN,
                "{\"stable\": 1}"), "../store");
        assertRejected(OpenApiContract.requestViolations("POST", "/v1/adapters/bot/promote", JSON, null), "security");
    }

    private static List<String> violations(String method, String path, int status, String body) {
        return OpenApiContract.responseViolations(method, path, status, JSON, body);
    }

    private static void assertRejected(List<String> errors, String mentioning) {
        assertFalse(errors.isEmpty(), "expected a contract violation mentioning " + mentioning);
        assertTrue(errors.stream().anyMatch(e -> e.contains(mentioning)),
                "no violation mentions " + mentioning + ": " + errors);
    }
}
