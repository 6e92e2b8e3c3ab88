package dev.scion.server.training;

import static dev.scion.server.training.Jobs.admin;
import static dev.scion.server.training.Jobs.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import dev.scion.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A round's publish is held to {@code --min-free-disk} like an upload: refused, said so, nothing stored. */
class TrainerDiskSpaceTest {
    @TempDir
    Path tmp;

    private ServerConfig.Builder config() {
        return TestServers.config().adapters(tmp.resolve("store")).adminKey(Jobs.ADMIN);
    }

    @Test
    void aRoundWhosePublishWouldLeaveTooLittleFreeFailsWithInsufficientStorage() {
        String file;
        try (ScionServer first = TestServers.start(config())) {
            file = Jobs.upload(first, "facts.jsonl", Jobs.facts(4, "disk"));
        }
        // more than any disk has: the round trains, and its version would leave less than this free
        try (ScionServer server = TestServers.start(config().minFreeDisk(1L << 60))) {
            String id = Jobs.create(server, "{\"model\": \"" + TestServers.modelId() + "\", \"training_file\": \""
                    + file + "\", \"suffix\": \"disk\", \"hyperparameters\": {\"n_epochs\": 1}, "
                    + "\"scion\": {\"min_learned\": 0}}").get("id").asText();
            JsonNode end = Jobs.awaitEnd(server, id, "failed", Duration.ofSeconds(180));
            assertEquals("insufficient_storage", end.at("/error/code").asText(), end.toString());
            String message = end.at("/error/message").asText();
            assertTrue(message.contains("--min-free-disk"), message);
            assertFalse(message.contains(tmp.toString()), "no server path: " + message);
            assertEquals(404, admin(server).get("/v1/adapters/disk").statusCode(), "nothing was published");
            JsonNode events = body(admin(server).get("/v1/fine_tuning/jobs/" + id + "/events"), 200).get("data");
            assertTrue(events.findValuesAsText("message").stream().anyMatch(m -> m.contains("--min-free-disk")),
                    events.toString());
        }
    }
}
