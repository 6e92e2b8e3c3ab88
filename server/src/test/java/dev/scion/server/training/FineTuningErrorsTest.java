package dev.scion.server.training;

import static dev.scion.server.training.Jobs.ADMIN;
import static dev.scion.server.training.Jobs.admin;
import static dev.scion.server.training.Jobs.body;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input to the files and fine-tuning endpoints is refused with OpenAI's error JSON naming the field,
 * before anything is stored or trained: keys, uploads, job bodies, ids that try to leave the data folder. One
 * server for the class; none of these requests trains.
 */
class FineTuningErrorsTest {
    private static final String INFERENCE = "inference-key-1";

    @TempDir
    static Path tmp;
    private static ScionServer server;
    private static String file;
    /** The one job a test here creates on purpose (its file validates but holds no examples). */
    private static volatile String oddJob = "";

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config().adapters(tmp.resolve("store")).adminKey(ADMIN)
                .apiKeys(List.of(INFERENCE)).maxFileBytes(4096).maxLoraRank(32));
        file = Jobs.upload(server, "facts.jsonl", Jobs.facts(4, "alpha"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Bad requests on purpose: only the answers are checked against the spec. */
    private static RequestSpecification raw(String key) {
        return given().port(server.port()).filter(OpenApiContract.responseFilter())
                .header("Authorization", "Bearer " + key);
    }

    private static JsonNode error(io.restassured.response.Response r, int status, String param, String code) {
        JsonNode e = body(r, status).get("error");
        assertEquals(param, e.get("param").isNull() ? null : e.get("param").asText(), e.toString());
        assertEquals(code, e.get("code").isNull() ? null : e.get("code").asText(), e.toString());
        assertTrue(e.get("message").asText().length() > 10, e.toString());
        return e;
    }

    private static JsonNode job(String json, int status, String param, String code) {
        return error(raw(ADMIN).contentType("application/json").body(json).post("/v1/fine_tuning/jobs"), status,
                param, code);
    }

    private static String jobBody(String extra) {
        return "{\"model\": \"" + TestServers.modelId() + "\", \"training_file\": \"" + file + "\"" + extra + "}";
    }

    @Test
    void keysAreCheckedOnEveryEndpointReadsIncluded() {
        for (String path : List.of("/v1/files", "/v1/files/" + file, "/v1/fine_tuning/jobs",
                "/v1/fine_tuning/jobs/ftjob-abc/events")) {
            error(raw(INFERENCE).get(path), 403, null, "admin_key_required");
            error(raw("guess").get(path), 401, null, "invalid_api_key");
            error(given().port(server.port()).filter(OpenApiContract.responseFilter()).get(path), 401, null,
                    "invalid_api_key");
        }
        error(raw(INFERENCE).multiPart("file", "x.jsonl", "{}\n".getBytes(StandardCharsets.UTF_8))
                .multiPart("purpose", "fine-tune").post("/v1/files"), 403, null, "admin_key_required");
        error(raw(INFERENCE).contentType("application/json").body(jobBody("")).post("/v1/fine_tuning/jobs"), 403,
                null, "admin_key_required");
    }

    @Test
    void uploadsThatAreNotTrainingJsonlAreRefused() {
        List<String> before = body(admin(server).get("/v1/files"), 200).findValuesAsText("id");
        byte[] ok = "{\"a\": 1}\n".getBytes(StandardCharsets.UTF_8);
        error(raw(ADMIN).multiPart("file", "x.jsonl", ok).multiPart("purpose", "batch").post("/v1/files"), 400,
                "purpose", null);
        error(raw(ADMIN).multiPart("file", "x.jsonl", ok).post("/v1/files"), 400, "purpose", null);
        error(raw(ADMIN).multiPart("purpose", "fine-tune").post("/v1/files"), 400, "file", null);
        error(raw(ADMIN).multiPart("file", "x.jsonl", ok).multiPart("other", "y.jsonl", ok)
                .multiPart("purpose", "fine-tune").post("/v1/files"), 400, "other", null);
        error(raw(ADMIN).contentType("application/json").body("{\"purpose\": \"fine-tune\"}").post("/v1/files"), 400,
                null, null);
        assertTrue(upload(new byte[0]).get("message").asText().contains("no examples"));
        assertTrue(upload("\n  \n".getBytes(StandardCharsets.UTF_8)).get("message").asText().contains("no examples"));
        assertTrue(upload(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}', '\n'}).get("message")
                .asText().contains("line 1: not valid UTF-8"));
        assertTrue(upload("{\"a\": 1}\nnot json\n".getBytes(StandardCharsets.UTF_8)).get("message").asText()
                .contains("line 2"));
        assertTrue(upload("[1, 2]\n".getBytes(StandardCharsets.UTF_8)).get("message").asText()
                .contains("one JSON object per line"));
        assertTrue(upload("{\"a\": 1} {\"b\": 2}\n".getBytes(StandardCharsets.UTF_8)).get("message").asText()
                .contains("line 1"), "two objects on one line");
        error(raw(ADMIN).multiPart("file", "big.jsonl", Jobs.facts(80, "big").getBytes(StandardCharsets.UTF_8))
                .multiPart("purpose", "fine-tune").post("/v1/files"), 413, null, null);
        error(raw(ADMIN).multiPart("file", Jobs.facts(80, "big")).multiPart("purpose", "fine-tune")
                .post("/v1/files"), 413, null, null); // without a filename: a form field, bounded all the same
        assertEquals(before, body(admin(server).get("/v1/files"), 200).findValuesAsText("id"),
                "no refused upload was kept");
    }

    private static JsonNode upload(byte[] content) {
        return error(raw(ADMIN).multiPart("file", "x.jsonl", content).multiPart("purpose", "fine-tune")
                .post("/v1/files"), 400, "file", null);
    }

    @Test
    void idsAndFilenamesNeverBecomePaths() throws Exception {
        for (String id : List.of("..%2F..%2Fetc%2Fpasswd", "file-..", "file-abc%2F..%2F..%2Fx", file + ".data",
                "file-" + "a".repeat(65))) {
            error(raw(ADMIN).urlEncodingEnabled(false).get("/v1/files/" + id), 404, "file_id", "file_not_found");
            error(raw(ADMIN).urlEncodingEnabled(false).get("/v1/files/" + id + "/content"), 404, "file_id",
                    "file_not_found");
        }
        job(jobBody("").replace(file, "../../etc/passwd"), 400, "training_file", "file_not_found");
        error(raw(ADMIN).urlEncodingEnabled(false).get("/v1/fine_tuning/jobs/..%2F..%2Fx"), 404,
                "fine_tuning_job_id", "job_not_found");
        String sneaky = Jobs.upload(server, "../../outside.jsonl", "{\"a\": 1}\n");
        assertEquals("../../outside.jsonl", body(admin(server).get("/v1/files/" + sneaky), 200)
                .get("filename").asText(), "shown back as given");
        try (Stream<Path> all = Files.walk(tmp)) {
            assertEquals(List.of(), all.filter(p -> p.getFileName().toString().contains("outside")).toList());
        }
        assertEquals("{\"a\": 1}\n", admin(server).get("/v1/files/" + sneaky + "/content").asString());
    }

    @Test
    void jobBodiesAreValidatedFieldByField() {
        job("not json", 400, null, null);
        job("[1]", 400, null, null);
        job("{\"training_file\": \"" + file + "\"}", 400, "model", null);
        job("{\"model\": \"" + TestServers.modelId() + "\"}", 400, "training_file", null);
        job(jobBody("").replace(TestServers.modelId(), "gpt-9"), 404, "model", "model_not_found");
        job(jobBody("").replace(TestServers.modelId(), "nobody@3"), 404, "model", "model_not_found");
        job(jobBody("").replace(file, "file-doesnotexist"), 400, "training_file", "file_not_found");
        job(jobBody(", \"validation_file\": \"file-nope\""), 400, "validation_file", "file_not_found");
        job(jobBody(", \"hyperparameters\": {\"n_epochs\": 0}"), 400, "n_epochs", null);
        job(jobBody(", \"hyperparameters\": {\"n_epochs\": 51}"), 400, "n_epochs", null);
        job(jobBody(", \"hyperparameters\": {\"n_epochs\": \"many\"}"), 400, "n_epochs", null);
        job(jobBody(", \"hyperparameters\": {\"n_epochs\": 2.5}"), 400, "n_epochs", null);
        job(jobBody(", \"hyperparameters\": {\"batch_size\": 257}"), 400, "batch_size", null);
        job(jobBody(", \"hyperparameters\": {\"learning_rate_multiplier\": 0}"), 400, "learning_rate_multiplier", null);
        job(jobBody(", \"hyperparameters\": {\"learning_rate_multiplier\": \"fast\"}"), 400,
                "learning_rate_multiplier", null);
        job(jobBody(", \"hyperparameters\": {\"learning_rate_multiplier\": 1e9}"), 400,
                "learning_rate_multiplier", null);
        job(jobBody(", \"hyperparameters\": []"), 400, "hyperparameters", null);
        job(jobBody(", \"method\": {\"type\": \"dpo\"}"), 400, "method.type", null);
        job(jobBody(", \"method\": {\"supervised\": {}}"), 400, "method.type", null);
        job(jobBody(", \"hyperparameters\": {\"n_epochs\": 1}, \"method\": {\"type\": \"supervised\", "
                + "\"supervised\": {\"hyperparameters\": {\"n_epochs\": 2}}}"), 400, "hyperparameters", null);
        job(jobBody(", \"method\": {\"type\": \"supervised\", \"supervised\": {\"hyperparameters\": "
                + "{\"batch_size\": -1}}}"), 400, "batch_size", null);
        job(jobBody(", \"suffix\": \"../escape\""), 400, "suffix", null);
        job(jobBody(", \"suffix\": \"a@1\""), 400, "suffix", null);
        job(jobBody(", \"suffix\": \"\""), 400, "suffix", null);
        job(jobBody(", \"seed\": -1"), 400, "seed", null);
        job(jobBody(", \"seed\": \"7\""), 400, "seed", null);
        job(jobBody(", \"metadata\": {\"k\": 1}"), 400, "metadata.k", null);
        StringBuilder many = new StringBuilder(", \"metadata\": {");
        for (int i = 0; i < 17; i++) {
            many.append(i == 0 ? "" : ", ").append("\"k").append(i).append("\": \"v\"");
        }
        job(jobBody(many + "}"), 400, "metadata", null);
        job(jobBody(", \"integrations\": [{\"type\": \"wandb\", \"wandb\": {\"project\": \"p\"}}]"), 400,
                "integrations", null);
        job(jobBody(", \"scion\": {\"rank\": 0}"), 400, "scion.rank", null);
        job(jobBody(", \"scion\": {\"rank\": 64}"), 400, "scion.rank", null); // above --max-lora-rank 32
        job(jobBody(", \"scion\": {\"alpha\": -2}"), 400, "scion.alpha", null);
        job(jobBody(", \"scion\": {\"targets\": [\"w_proj\"]}"), 400, "scion.targets", null);
        job(jobBody(", \"scion\": {\"targets\": []}"), 400, "scion.targets", null);
        job(jobBody(", \"scion\": {\"canary_percent\": 100}"), 400, "scion.canary_percent", null);
        job(jobBody(", \"scion\": {\"replay_ratio\": -0.5}"), 400, "scion.replay_ratio", null);
        job(jobBody(", \"scion\": 5"), 400, "scion", null);
        assertTrue(body(admin(server).get("/v1/fine_tuning/jobs"), 200).get("data").findValuesAsText("id").stream()
                .allMatch(id -> id.equals(oddJob)), "no refused request made a job");
    }

    @Test
    void unknownJobsAndBadPagesAreErrors() {
        String missing = "ftjob-doesnotexist";
        error(raw(ADMIN).get("/v1/fine_tuning/jobs/" + missing), 404, "fine_tuning_job_id", "job_not_found");
        error(raw(ADMIN).get("/v1/fine_tuning/jobs/" + missing + "/events"), 404, "fine_tuning_job_id",
                "job_not_found");
        error(raw(ADMIN).get("/v1/fine_tuning/jobs/" + missing + "/checkpoints"), 404, "fine_tuning_job_id",
                "job_not_found");
        error(raw(ADMIN).post("/v1/fine_tuning/jobs/" + missing + "/cancel"), 404, "fine_tuning_job_id",
                "job_not_found");
        error(raw(ADMIN).queryParam("limit", 0).get("/v1/fine_tuning/jobs"), 400, "limit", null);
        error(raw(ADMIN).queryParam("limit", "ten").get("/v1/files"), 400, "limit", null);
        error(raw(ADMIN).queryParam("order", "sideways").get("/v1/files"), 400, "order", null);
        error(raw(ADMIN).queryParam("after", "file-unknown").get("/v1/files"), 400, "after", null);
    }

    @Test
    void aFileOfObjectsThatAreNoExamplesFailsTheJobWhileValidating() {
        String notExamples = Jobs.upload(server, "odd.jsonl", "{\"question\": \"q\", \"reply\": \"a\"}\n");
        JsonNode created = Jobs.create(server, jobBody(", \"suffix\": \"odd-one\"").replace(file, notExamples));
        oddJob = created.get("id").asText();
        assertEquals("validating_files", created.get("status").asText());
        JsonNode failed = Jobs.awaitEnd(server, created.get("id").asText(), "failed", Duration.ofSeconds(30));
        assertEquals("invalid_training_file", failed.at("/error/code").asText());
        assertEquals("training_file", failed.at("/error/param").asText());
        String message = failed.at("/error/message").asText();
        assertTrue(message.contains(notExamples + ":1"), message);
        assertTrue(!message.contains(tmp.toString()), "the server's paths stay private: " + message);
        assertTrue(failed.get("fine_tuned_model").isNull());
        error(raw(ADMIN).post("/v1/fine_tuning/jobs/" + created.get("id").asText() + "/cancel"), 400, null, null);
    }
}
