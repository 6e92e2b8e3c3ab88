package dev.scion.server.training;

import static dev.scion.server.training.Jobs.admin;
import static dev.scion.server.training.Jobs.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning through the OpenAI API on a started server with the real trainer and the embedded model: upload,
 * train, serve the published version at once, continue it, and the gate refusing a round.
 */
class FineTuningJobsTest {
    private static final Duration ROUND = Duration.ofSeconds(180);

    @TempDir
    static Path tmp;
    private static ScionServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config().adapters(tmp.resolve("store")).adminKey(Jobs.ADMIN));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String chat(String model) {
        return "{\"model\": \"" + model + "\", \"messages\": [{\"role\": \"user\", \"content\": \"What is the alpha 1 "
                + "code?\"}], \"max_tokens\": 8, \"temperature\": 0}";
    }

    @Test
    void aJobTrainsPublishesAndItsModelServesAtOnceThenItContinues() throws Exception {
        String data = Jobs.upload(server, "alpha.jsonl", Jobs.facts(6, "alpha"));
        JsonNode file = body(admin(server).get("/v1/files/" + data), 200);
        assertEquals("fine-tune", file.get("purpose").asText());
        assertEquals("alpha.jsonl", file.get("filename").asText());

        JsonNode created = Jobs.create(server, "{\"model\": \"" + TestServers.modelId() + "\", \"training_file\": \""
                + data + "\", \"validation_file\": \"" + data + "\", \"suffix\": \"alpha\", \"seed\": 7, "
                + "\"method\": {\"type\": \"supervised\", \"supervised\": {\"hyperparameters\": {\"n_epochs\": 3, "
                + "\"batch_size\": 2}}}, \"metadata\": {\"ticket\": \"T-1\"}, \"scion\": {\"min_learned\": 0}}");
        String id = created.get("id").asText();
        assertTrue(id.startsWith("ftjob-"), id);
        assertEquals("validating_files", created.get("status").asText());
        assertEquals(3, created.at("/hyperparameters/n_epochs").asInt());
        assertEquals(2, created.at("/method/supervised/hyperparameters/batch_size").asInt());
        assertEquals(1.0, created.at("/hyperparameters/learning_rate_multiplier").asDouble(), "auto is 1");
        assertEquals("alpha", created.at("/scion/adapter").asText());
        assertEquals("T-1", created.at("/metadata/ticket").asText());

        JsonNode done = Jobs.awaitEnd(server, id, "succeeded", ROUND);
        assertEquals("alpha@1", done.get("fine_tuned_model").asText());
        assertTrue(done.get("trained_tokens").asLong() > 0, done.toString());
        assertTrue(done.get("finished_at").asLong() >= done.get("created_at").asLong());
        assertTrue(done.get("error").isNull());

        Response served = admin(server).contentType("application/json").body(chat("alpha@1"))
                .post("/v1/chat/completions");
        assertEquals("alpha@1", body(served, 200).get("model").asText());
        assertEquals("alpha@1", served.header("X-Scion-Model"));
        assertEquals("alpha@1", body(admin(server).contentType("application/json").body(chat("alpha"))
                .post("/v1/chat/completions"), 200).get("model").asText(), "the name routes to its only version");

        String results = done.at("/result_files/0").asText();
        assertEquals("fine-tune-results", body(admin(server).get("/v1/files/" + results), 200).get("purpose").asText());
        assertTrue(admin(server).get("/v1/files/" + results + "/content").asString().startsWith("step"),
                "the loss curve as CSV");

        JsonNode checkpoints = body(admin(server).get("/v1/fine_tuning/jobs/" + id + "/checkpoints"), 200);
        assertEquals("alpha@1", checkpoints.at("/data/0/fine_tuned_model_checkpoint").asText());
        assertEquals(id, checkpoints.at("/data/0/fine_tuning_job_id").asText());

        List<JsonNode> events = new ArrayList<>();
        body(admin(server).queryParam("limit", 1000).get("/v1/fine_tuning/jobs/" + id + "/events"), 200).get("data")
                .forEach(events::add);
        assertTrue(events.get(0).get("message").asText().contains("successfully completed"), "newest first");
        List<JsonNode> steps = events.stream().filter(e -> e.get("type").asText().equals("metrics")).toList();
        assertFalse(steps.isEmpty());
        assertEquals(steps.get(0).at("/data/total_steps").asInt(), steps.get(0).at("/data/step").asInt(),
                "the newest step event is the last step");
        assertTrue(steps.get(0).at("/data/train_loss").isNumber());
        assertTrue(events.stream().anyMatch(e -> e.get("message").asText().contains("New fine-tuned model: alpha@1")));
        assertTrue(events.stream().noneMatch(e -> e.get("message").asText().contains(tmp.toString())),
                "no server path reaches the client");
        JsonNode page = body(admin(server).queryParam("limit", 2).queryParam("after",
                events.get(0).get("id").asText()).get("/v1/fine_tuning/jobs/" + id + "/events"), 200);
        assertEquals(events.get(1).get("id").asText(), page.at("/data/0/id").asText());
        assertTrue(page.get("has_more").asBoolean());

        JsonNode audit = body(admin(server).get("/v1/adapters/alpha/events"), 200).get("data");
        assertEquals("trainer", audit.at("/0/action").asText());
        assertEquals("ok", audit.at("/0/outcome").asText());

        // the next round continues the adapter: model is its name, and it publishes version 2
        String more = Jobs.upload(server, "alpha-more.jsonl", Jobs.facts(4, "alpha-more"));
        JsonNode second = Jobs.create(server, "{\"model\": \"alpha\", \"training_file\": \"" + more
                + "\", \"validation_file\": \"" + more + "\", \"hyperparameters\": {\"n_epochs\": 2}, "
                + "\"scion\": {\"min_learned\": 0}}"); // two epochs learn little: the plumbing is tested here
        JsonNode secondDone = Jobs.awaitEnd(server, second.get("id").asText(), "succeeded", ROUND);
        assertEquals("alpha@2", secondDone.get("fine_tuned_model").asText());
        assertEquals("alpha", secondDone.get("model").asText());
        assertEquals("alpha@2", body(admin(server).contentType("application/json").body(chat("alpha"))
                .post("/v1/chat/completions"), 200).get("model").asText());

        JsonNode jobs = body(admin(server).queryParam("limit", 1).get("/v1/fine_tuning/jobs"), 200);
        assertEquals(second.get("id").asText(), jobs.at("/data/0/id").asText(), "newest first");
        assertTrue(jobs.get("has_more").asBoolean());
        JsonNode next = body(admin(server).queryParam("after", second.get("id").asText())
                .get("/v1/fine_tuning/jobs"), 200);
        assertTrue(next.get("data").findValuesAsText("id").contains(id));

        String metrics = admin(server).get("/metrics").asString();
        assertTrue(metrics.contains("scion_training_rounds_total{result=\"succeeded\"}"), metrics);
        assertTrue(metrics.contains("scion_training_gate_total{result=\"passed\"}"));
        assertTrue(metrics.contains("scion_training_steps_total{adapter=\"alpha\"}"));
        assertTrue(metrics.contains("scion_training_loss "));
    }

    @Test
    void aRoundTheGateRefusesFailsWithTheGatesReasonAndPublishesNothing() {
        String facts = Jobs.upload(server, "beta.jsonl", Jobs.facts(4, "beta"));
        JsonNode first = Jobs.create(server, "{\"model\": \"" + TestServers.modelId() + "\", \"training_file\": \""
                + facts + "\", \"validation_file\": \"" + facts + "\", \"suffix\": \"beta\", "
                + "\"hyperparameters\": {\"batch_size\": 2}}");
        assertEquals("beta@1", Jobs.awaitEnd(server, first.get("id").asText(), "succeeded", ROUND)
                .get("fine_tuned_model").asText());
        // the same questions with other answers: learning them unlearns what beta@1 knows, which a gate that
        // tolerates no forgetting refuses
        String contradiction = Jobs.upload(server, "beta-other.jsonl", Jobs.facts(4, "beta", "omega"));
        JsonNode created = Jobs.create(server, "{\"model\": \"beta\", \"training_file\": \"" + contradiction
                + "\", \"hyperparameters\": {\"batch_size\": 2}, \"scion\": {\"max_forgetting\": 0, \"replay_ratio\": 0}}");
        JsonNode failed = Jobs.awaitEnd(server, created.get("id").asText(), "failed", ROUND);
        assertEquals("gate_refused", failed.at("/error/code").asText(), failed.toString());
        assertTrue(failed.at("/error/message").asText().startsWith("The evaluation gate refused"), failed.toString());
        assertTrue(failed.get("fine_tuned_model").isNull());
        assertTrue(failed.get("trained_tokens").asLong() > 0, "it trained; the gate kept the result back");
        assertEquals(0, body(admin(server).get("/v1/fine_tuning/jobs/" + created.get("id").asText()
                + "/checkpoints"), 200).get("data").size());
        assertEquals(1, body(admin(server).get("/v1/adapters/beta"), 200).get("latest").asInt(),
                "nothing was published");
        JsonNode audit = body(admin(server).get("/v1/adapters/beta/events"), 200).get("data");
        assertEquals("refused", audit.get(audit.size() - 1).get("outcome").asText());
        assertTrue(admin(server).get("/metrics").asString().contains("scion_training_gate_total{result=\"refused\"}"));
    }
}
