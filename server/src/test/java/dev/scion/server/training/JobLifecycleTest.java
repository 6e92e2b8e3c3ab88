package dev.scion.server.training;

import static dev.scion.server.training.Jobs.admin;
import static dev.scion.server.training.Jobs.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import dev.scion.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs that do not simply run to their end: cancelled while training, and interrupted by a server restart. */
class JobLifecycleTest {
    private static final Duration ROUND = Duration.ofSeconds(180);

    @TempDir
    Path tmp;

    private ServerConfig.Builder config() {
        return TestServers.config().adapters(tmp.resolve("store")).adminKey(Jobs.ADMIN);
    }

    private static String longJob(String file, String suffix, int epochs) {
        return "{\"model\": \"" + TestServers.modelId() + "\", \"training_file\": \"" + file + "\", \"suffix\": \""
                + suffix + "\", \"hyperparameters\": {\"n_epochs\": " + epochs + ", \"batch_size\": 1}, "
                + "\"scion\": {\"save_steps\": 2, \"min_learned\": 0}}";
    }

    /** The highest step among the job's metrics events, 0 before the first. */
    private static int lastStep(ScionServer server, String id) {
        JsonNode events = body(admin(server).queryParam("limit", 1000).get("/v1/fine_tuning/jobs/" + id + "/events"),
                200).get("data");
        int step = 0;
        for (JsonNode e : events) {
            step = Math.max(step, e.at("/data/step").asInt(0));
        }
        return step;
    }

    @Test
    void aRunningJobIsCancelledAtItsNextStep() {
        try (ScionServer server = TestServers.start(config())) {
            String data = Jobs.upload(server, "gamma.jsonl", Jobs.facts(8, "gamma"));
            String id = Jobs.create(server, longJob(data, "gamma", 50)).get("id").asText();
            Jobs.await(server, id, job -> lastStep(server, id) >= 1, ROUND);
            // serving goes on while the job trains, and the trainer pauses for it (the duty cycle)
            for (int i = 0; i < 3; i++) {
                assertEquals(200, admin(server).contentType("application/json").body("{\"model\": \""
                        + TestServers.modelId() + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], "
                        + "\"max_tokens\": 48, \"n\": 2}").post("/v1/chat/completions").statusCode());
            }
            assertTrue(yieldedSeconds(server) > 0, "training paused while requests ran");
            JsonNode inUse = body(admin(server).delete("/v1/files/" + data), 409).get("error");
            assertEquals("file_in_use", inUse.get("code").asText(), inUse.toString());
            assertTrue(inUse.get("message").asText().contains(id), "names the job: " + inUse);
            assertEquals(data, body(admin(server).get("/v1/files/" + data), 200).get("id").asText(), "still there");
            JsonNode cancelled = body(admin(server).post("/v1/fine_tuning/jobs/" + id + "/cancel"), 200);
            assertEquals("cancelled", cancelled.get("status").asText(), "the answer comes once the round stopped");
            assertTrue(cancelled.get("fine_tuned_model").isNull());
            int stoppedAt = lastStep(server, id);
            assertTrue(stoppedAt < 8 * 50, "stopped long before its end, at step " + stoppedAt);
            assertEquals("cancelled", Jobs.job(server, id).get("status").asText());
            assertEquals("adapter_not_found", body(admin(server).get("/v1/adapters/gamma"), 404).at("/error/code")
                    .asText(), "nothing was published");
            assertTrue(body(admin(server).get("/v1/fine_tuning/jobs/" + id + "/events"), 200).get("data")
                    .findValuesAsText("message").stream().anyMatch(m -> m.contains("cancelled at step")));
            assertEquals(400, admin(server).post("/v1/fine_tuning/jobs/" + id + "/cancel").statusCode(),
                    "a job that ended cannot be cancelled again");
            JsonNode deleted = body(admin(server).delete("/v1/files/" + data), 200);
            assertEquals(data, deleted.get("id").asText());
            assertTrue(deleted.get("deleted").asBoolean(), "the job has ended: its file may go now");
            assertTrue(admin(server).get("/metrics").asString()
                    .contains("scion_training_rounds_total{result=\"cancelled\"}"));
        }
    }

    @Test
    void aJobInterruptedByARestartResumesFromItsCheckpointAndCompletes() {
        String id;
        String queued;
        try (ScionServer first = TestServers.start(config())) {
            String data = Jobs.upload(first, "delta.jsonl", Jobs.facts(6, "delta"));
            id = Jobs.create(first, longJob(data, "delta", 4)).get("id").asText();
            queued = Jobs.create(first, longJob(data, "epsilon", 1)).get("id").asText();
            // past its first checkpoint (step 2) and far from its end (about 20 steps): stop the server here
            Jobs.await(first, id, job -> lastStep(first, id) >= 3, ROUND);
            assertEquals("queued", Jobs.job(first, queued).get("status").asText(), "one job trains at a time");
        } // closing stops the round at its next step; the job stays running on disk
        try (ScionServer second = TestServers.start(config())) {
            JsonNode done = Jobs.awaitEnd(second, id, "succeeded", ROUND);
            assertEquals("delta@1", done.get("fine_tuned_model").asText());
            List<JsonNode> events = new ArrayList<>();
            body(admin(second).queryParam("limit", 1000).get("/v1/fine_tuning/jobs/" + id + "/events"), 200)
                    .get("data").forEach(events::add);
            java.util.Collections.reverse(events); // oldest first
            int restart = indexOf(events, "server restarted");
            assertTrue(restart > 0, "the restart is in the job's history");
            int stopped = indexOf(events, "server is stopping");
            assertTrue(stopped >= 0 && stopped < restart, "the shutdown stopped the round mid-way");
            int firstStepAfter = events.subList(restart, events.size()).stream()
                    .filter(e -> e.get("type").asText().equals("metrics")).findFirst().orElseThrow()
                    .at("/data/step").asInt();
            int before = 0;
            for (JsonNode e : events.subList(0, restart)) {
                before = Math.max(before, e.at("/data/step").asInt(0));
            }
            assertTrue(before >= 3, "trained up to step " + before + " before the restart");
            assertTrue(firstStepAfter > 2 && firstStepAfter <= before + 1,
                    "resumed from a checkpoint near step " + before + ", not from the start: " + firstStepAfter);
            Jobs.awaitEnd(second, queued, "succeeded", ROUND);
            assertEquals("epsilon@1", Jobs.job(second, queued).get("fine_tuned_model").asText(),
                    "the job that was queued is queued again and runs");
        }
    }

    private static double yieldedSeconds(ScionServer server) {
        return admin(server).get("/metrics").asString().lines()
                .filter(l -> l.startsWith("scion_training_yielded_seconds_total "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1))).findFirst().orElseThrow();
    }

    private static int indexOf(List<JsonNode> events, String text) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).get("message").asText().toLowerCase(java.util.Locale.ROOT).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
