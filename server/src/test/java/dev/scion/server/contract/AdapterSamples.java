package dev.scion.server.contract;

/** Hand-written bodies of the adapter endpoints, in the shapes the server's AdapterJson writes. */
final class AdapterSamples {

    private AdapterSamples() {}

    static final String VERSION = """
            {"id": "bot@2", "object": "adapter.version", "name": "bot", "version": 2, "created": 1763800000,
             "source": "upload", "rank": 8, "size_bytes": 45120, "targets": ["q_proj", "v_proj", "down_proj"],
             "sha256": {"adapter_config.json": "%1$s", "adapter_model.safetensors": "%1$s"},
             "metrics": {"eval_loss": 1.25, "steps": 200, "note": null}}""".formatted("ab".repeat(32));

    static final String ROUTING_CANARY = """
            {"stable": 1, "canary": 2, "canary_percent": 10, "sticky": "user",
             "auto_rollback": {"max_error_rate": 0.05, "min_requests": 50}}""";

    static final String ROUTING_LATEST = """
            {"stable": null, "canary": null, "canary_percent": 0, "sticky": null, "auto_rollback": null}""";

    static final String ADAPTER = """
            {"id": "bot", "object": "adapter", "latest": 2, "routing": %s, "versions": [%s, %s],
             "unhealthy_versions": [{"version": 2, "reason": "The model produced non-finite logits for this request",
                                     "consecutive_failures": 3}]}"""
            .formatted(ROUTING_CANARY, VERSION.replace("bot@2", "bot@1").replace("\"version\": 2", "\"version\": 1"),
                    VERSION);

    static final String LIST = "{\"object\": \"list\", \"data\": [" + ADAPTER + "]}";

    static final String EVENTS = """
            {"object": "list", "data": [
              {"id": "aevt-41", "time": "2026-11-22T11:00:00.123Z", "action": "upload", "actor": "key:3f2a9c0d11be",
               "outcome": "ok", "detail": "version 2"},
              {"id": "aevt-42", "time": "2026-11-22T11:05:00Z", "action": "rollback", "actor": "key:3f2a9c0d11be",
               "outcome": "refused", "detail": "adapter 'bot' has no canary to roll back"}],
             "first_id": "aevt-41", "last_id": "aevt-42", "has_more": false}""";

    static final String ADMIN_DISABLED = """
            {"error": {"message": "Admin endpoints are off: start the server with --admin-key to enable them.",
             "type": "invalid_request_error", "param": null, "code": "admin_disabled"}}""";

    static final String ADAPTER_NOT_FOUND = """
            {"error": {"message": "No adapter named 'nobody'", "type": "invalid_request_error", "param": "name",
             "code": "adapter_not_found"}}""";
}
