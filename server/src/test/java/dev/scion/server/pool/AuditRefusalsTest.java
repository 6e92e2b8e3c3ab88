package dev.scion.server.pool;

import static dev.scion.server.pool.AuditClient.as;
import static dev.scion.server.pool.AuditClient.awaitTrue;
import static dev.scion.server.pool.AuditClient.body;
import static dev.scion.server.pool.AuditClient.events;
import static dev.scion.server.pool.AuditClient.invalidAs;
import static dev.scion.server.pool.AuditClient.load;
import static dev.scion.server.pool.AuditClient.peft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls refused for a missing or wrong admin key cost no disk write each: they are counted and written as one
 * event per adapter, action, actor and reason each interval, while admin changes are on disk before their answer.
 */
class AuditRefusalsTest {
    private static final String ADMIN = "audit-refusals-admin";
    private static final String WRONG = "audit-refusals-guess";
    private static final String INFERENCE = "audit-refusals-inference";

    @TempDir
    Path tmp;

    private static List<JsonNode> refused(JsonNode page) {
        List<JsonNode> out = new ArrayList<>();
        page.get("data").forEach(e -> {
            if (e.get("outcome").asText().equals("refused")) {
                out.add(e);
            }
        });
        return out;
    }

    private static void refuse(ScionServer server, String name, int anonymous, int wrongKey) {
        for (int i = 0; i < anonymous; i++) {
            body(invalidAs(server, null).post("/v1/adapters/" + name + "/promote"), 401); // no key: breaks the contract
        }
        for (int i = 0; i < wrongKey; i++) {
            body(as(server, WRONG).post("/v1/adapters/" + name + "/promote"), 401);
        }
    }

    private static void refuseInferenceKey(ScionServer server, int calls) {
        for (int i = 0; i < calls; i++) {
            body(as(server, INFERENCE).post("/v1/adapters/bot/promote"), 403);
        }
    }

    @Test
    void refusalsAreTalliedNotWrittenOneByOne() throws Exception {
        Path store = tmp.resolve("store");
        // an interval far longer than the test: only closing writes the tally
        try (ScionServer server = TestServers.start(TestServers.config().adapters(store).adminKey(ADMIN)
                .auditRefusalInterval(Duration.ofHours(1)))) {
            body(as(server, ADMIN).contentType("application/json").body(load("bot", peft(tmp, "v1", 11)))
                    .post("/v1/load_lora_adapter"), 200);
            assertTrue(Files.readString(store.resolve("audit.jsonl")).contains("\"action\":\"load\""),
                    "an admin change is in the log before its answer");
            long before = Files.size(store.resolve("audit.jsonl"));
            refuse(server, "bot", 40, 15);
            refuse(server, "ghost", 10, 0); // no such adapter: nothing to record
            assertEquals(before, Files.size(store.resolve("audit.jsonl")), "no write per refused call");
            assertEquals(List.of(), refused(events(server, ADMIN, "bot", "")));
        }
        // closing writes what was counted
        try (ScionServer again = TestServers.start(TestServers.config().adapters(store).adminKey(ADMIN))) {
            List<JsonNode> tallies = refused(events(again, ADMIN, "bot", ""));
            assertEquals(2, tallies.size(), tallies.toString());
            JsonNode anonymous = tallies.stream().filter(e -> e.get("actor").asText().equals("anonymous"))
                    .findFirst().orElseThrow();
            assertEquals("promote", anonymous.get("action").asText());
            assertTrue(anonymous.get("detail").asText().startsWith("40 calls refused"), anonymous.toString());
            JsonNode keyed = tallies.stream().filter(e -> !e.get("actor").asText().equals("anonymous"))
                    .findFirst().orElseThrow();
            assertTrue(keyed.get("actor").asText().startsWith("key:"), keyed.toString());
            assertTrue(keyed.get("detail").asText().startsWith("15 calls refused"), keyed.toString());
            assertTrue(keyed.get("detail").asText().contains("invalid_api_key"), keyed.toString());
            assertEquals(0, events(again, ADMIN, "ghost", "").get("data").size());
        }
    }

    /** The refused calls that the written tallies of "bot" count together. */
    private static int counted(ScionServer server) {
        return refused(events(server, ADMIN, "bot", "?limit=100")).stream()
                .mapToInt(e -> Integer.parseInt(e.get("detail").asText().split(" ")[0])).sum();
    }

    @Test
    void eachIntervalWritesItsTally() {
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store"))
                .adminKey(ADMIN).apiKeys(List.of(INFERENCE)).auditRefusalInterval(Duration.ofMillis(200)))) {
            body(as(server, ADMIN).contentType("application/json").body(load("bot", peft(tmp, "v1", 12)))
                    .post("/v1/load_lora_adapter"), 200);
            refuseInferenceKey(server, 3);
            awaitTrue("the first tally", () -> counted(server) == 3, Duration.ofSeconds(10));
            int lines = refused(events(server, ADMIN, "bot", "")).size();
            refuseInferenceKey(server, 2);
            awaitTrue("the second tally", () -> counted(server) == 5, Duration.ofSeconds(10));
            List<JsonNode> tallies = refused(events(server, ADMIN, "bot", ""));
            assertTrue(tallies.size() > lines, "a later interval, a line of its own");
            assertTrue(tallies.get(0).get("detail").asText().endsWith("(admin_key_required)"), tallies.toString());
        }
    }
}
