package dev.scion.server.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The files and fine-tuning part of the contract: what the server sends fits Scion's spec and OpenAI's own
 * schemas (so OpenAI's SDKs read it), and the spec refuses what the server must not send.
 */
class FineTuningContractTest {
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final Map<String, String> ADMIN = Map.of("Content-Type", "application/json",
            "Authorization", "Bearer admin-key");

    @Test
    void theResponsesFitScionsSpecAndOpenAisSchemas() {
        bothAccept("OpenAIFile", FineTuningSamples.FILE);
        bothAccept("ListFilesResponse", FineTuningSamples.FILES);
        bothAccept("FineTuningJob", FineTuningSamples.JOB_SUCCEEDED);
        bothAccept("FineTuningJob", FineTuningSamples.JOB_RUNNING);
        bothAccept("FineTuningJob", FineTuningSamples.JOB_GATE_REFUSED);
        bothAccept("ListPaginatedFineTuningJobsResponse", FineTuningSamples.JOBS);
        bothAccept("ListFineTuningJobEventsResponse", FineTuningSamples.EVENTS);
        bothAccept("ListFineTuningJobCheckpointsResponse", FineTuningSamples.CHECKPOINTS);
        String deleted = "{\"id\": \"file-abc123\", \"object\": \"file\", \"deleted\": true}";
        bothAccept("DeleteFileResponse", deleted);
        OpenApiContract.assertValid("DELETE", "/v1/files/file-abc123", 200, JSON, deleted);
        OpenApiContract.assertValid("DELETE", "/v1/files/file-abc123", 409, JSON, "{\"error\": {\"message\": "
                + "\"in use\", \"type\": \"invalid_request_error\", \"param\": \"file_id\", \"code\": \"file_in_use\"}}");
        OpenApiContract.assertValid("POST", "/v1/files", 507, JSON, "{\"error\": {\"message\": \"full\", "
                + "\"type\": \"server_error\", \"param\": null, \"code\": \"insufficient_storage\"}}");
        OpenApiContract.assertValid("POST", "/v1/files", 200, JSON, FineTuningSamples.FILE);
        OpenApiContract.assertValid("GET", "/v1/files/file-abc123", 200, JSON, FineTuningSamples.FILE);
        OpenApiContract.assertValid("POST", "/v1/fine_tuning/jobs", 200, JSON, FineTuningSamples.JOB_RUNNING);
        OpenApiContract.assertValid("POST", "/v1/fine_tuning/jobs/ftjob-abc123/cancel", 200, JSON,
                FineTuningSamples.JOB_SUCCEEDED);
        OpenApiContract.assertValid("GET", "/v1/fine_tuning/jobs/ftjob-abc123/events", 200, JSON,
                FineTuningSamples.EVENTS);
    }

    @Test
    void anEmptyFileListHasNullCursorsWhereOpenAisSchemaWantsStrings() {
        String empty = "{\"object\": \"list\", \"data\": [], \"first_id\": null, \"last_id\": null, \"has_more\": false}";
        assertEquals(List.of(), OpenApiContract.schemaViolations("ListFilesResponse", empty));
        // OpenAI's API answers an empty list with null cursors too, though its published schema types them as
        // strings; docs/api.md lists the difference
        assertFalse(OpenAiSchemas.violations("ListFilesResponse", empty).isEmpty());
    }

    @Test
    void theSpecRefusesMalformedJobs() {
        assertRejected(violations("/v1/fine_tuning/jobs/ftjob-abc123", FineTuningSamples.JOB_SUCCEEDED
                .replace("\"succeeded\"", "\"done\"")), "done");
        assertRejected(violations("/v1/fine_tuning/jobs/ftjob-abc123", FineTuningSamples.JOB_SUCCEEDED
                .replace("\"seed\": 42, ", "")), "seed");
        assertRejected(violations("/v1/fine_tuning/jobs/ftjob-abc123", FineTuningSamples.JOB_GATE_REFUSED
                .replace(", \"param\": null", "")), "param");
        assertRejected(violations("/v1/fine_tuning/jobs/ftjob-abc123", FineTuningSamples.JOB_SUCCEEDED
                .replace("\"source\": \"api\"", "\"source\": \"cron\"")), "cron");
        assertRejected(violations("/v1/fine_tuning/jobs/ftjob-abc123", FineTuningSamples.JOB_SUCCEEDED
                .replace("\"n_epochs\": 12", "\"n_epochs\": \"many\"")), "n_epochs"); // "auto" is a job's own value
        assertRejected(violations("/v1/files/file-abc123", FineTuningSamples.FILE
                .replace("\"fine-tune\"", "\"batch\"")), "batch");
    }

    @Test
    void theSpecDescribesTheRequests() {
        OpenApiContract.assertValidRequest("POST", "/v1/fine_tuning/jobs", ADMIN, """
                {"model": "scion-tiny-v1", "training_file": "file-abc123", "suffix": "facts", "seed": 7,
                 "method": {"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 3,
                   "batch_size": "auto", "learning_rate_multiplier": 0.5}}},
                 "metadata": {"team": "support"},
                 "scion": {"rank": 8, "targets": ["q_proj", "v_proj"], "canary_percent": 10}}""");
        OpenApiContract.assertValidRequest("POST", "/v1/fine_tuning/jobs", ADMIN, """
                {"model": "facts", "training_file": "file-abc123", "hyperparameters": {"n_epochs": "auto"}}""");
        assertRejected(OpenApiContract.requestViolations("POST", "/v1/fine_tuning/jobs", ADMIN,
                "{\"model\": \"facts\"}"), "training_file");
        assertRejected(OpenApiContract.requestViolations("POST", "/v1/fine_tuning/jobs", ADMIN,
                "{\"model\": \"facts\", \"training_file\": \"file-a\", \"hyperparameters\": {\"n_epochs\": 0}}"),
                "n_epochs");
        assertRejected(OpenApiContract.requestViolations("POST", "/v1/fine_tuning/jobs", ADMIN,
                "{\"model\": \"facts\", \"training_file\": \"file-a\", \"suffix\": \"../x\"}"), "suffix");
        assertRejected(OpenApiContract.requestViolations("POST", "/v1/fine_tuning/jobs", ADMIN,
                "{\"model\": \"facts\", \"training_file\": \"file-a\", \"method\": {\"type\": \"dpo\"}}"), "dpo");
        assertRejected(OpenApiContract.requestViolations("GET", "/v1/fine_tuning/jobs/..%2Fx", ADMIN, null),
                "ftjob-");
        assertRejected(OpenApiContract.requestViolations("GET", "/v1/fine_tuning/jobs", JSON, null), "security");
    }

    private static List<String> violations(String path, String body) {
        return OpenApiContract.responseViolations("GET", path, 200, JSON, body);
    }

    private static void bothAccept(String schema, String json) {
        assertEquals(List.of(), OpenApiContract.schemaViolations(schema, json), "Scion's " + schema);
        assertEquals(List.of(), OpenAiSchemas.violations(schema, json), "OpenAI's " + schema);
    }

    private static void assertRejected(List<String> errors, String mentioning) {
        assertFalse(errors.isEmpty(), "expected a contract violation mentioning " + mentioning);
        assertTrue(errors.stream().anyMatch(e -> e.contains(mentioning)),
                "no violation mentions " + mentioning + ": " + errors);
    }
}
