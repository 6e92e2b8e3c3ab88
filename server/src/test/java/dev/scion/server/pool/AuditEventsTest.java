package dev.scion.server.pool;

import static dev.scion.server.pool.AuditClient.as;
import static dev.scion.server.pool.AuditClient.body;
import static dev.scion.server.pool.AuditClient.events;
import static dev.scion.server.pool.AuditClient.invalidAs;
import static dev.scion.server.pool.AuditClient.load;
import static dev.scion.server.pool.AuditClient.peft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/adapters/{name}/events} pages through the audit log as OpenAI's list endpoints do ({@code limit},
 * {@code after}, {@code has_more}, {@code first_id}, {@code last_id}), and the log is rotated by size.
 */
class AuditEventsTest {
    private static final String ADMIN = "audit-events-admin";

    @TempDir
    Path tmp;

    /** Publishes {@code name} and adds {@code refusals} refused promotes (it has no canary): 1 + refusals events. */
    private void history(ScionServer server, String name, int refusals) {
        body(as(server, ADMIN).contentType("application/json").body(load(name, peft(tmp, name + "-v1", 3)))
                .post("/v1/load_lora_adapter"), 200);
        for (int i = 0; i < refusals; i++) {
            body(as(server, ADMIN).post("/v1/adapters/" + name + "/promote"), 400);
        }
    }

    private static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("data").forEach(e -> out.add(e.get("id").asText()));
        return out;
    }

    private static List<String> reversed(List<String> ids) {
        List<String> out = new ArrayList<>(ids);
        java.util.Collections.reverse(out);
        return out;
    }

    private static long seq(String id) {
        return Long.parseLong(id.substring(id.indexOf('-') + 1));
    }

    @Test
    void eventsComeInPagesOfTwentyWithACursor() {
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store"))
                .adminKey(ADMIN))) {
            history(server, "pager", 24);

            JsonNode first = events(server, ADMIN, "pager", "");
            assertEquals(20, first.get("data").size(), "the default page holds 20 events");
            assertTrue(first.get("has_more").asBoolean());
            List<String> firstIds = ids(first);
            assertEquals(firstIds.get(0), first.get("first_id").asText());
            assertEquals(firstIds.get(19), first.get("last_id").asText());
            assertEquals("load", first.at("/data/0/action").asText(), "oldest first, as before");

            JsonNode rest = events(server, ADMIN, "pager", "?after=" + first.get("last_id").asText());
            assertEquals(5, rest.get("data").size());
            assertFalse(rest.get("has_more").asBoolean());
            List<String> all = new ArrayList<>(firstIds);
            all.addAll(ids(rest));
            for (int i = 1; i < all.size(); i++) {
                assertTrue(seq(all.get(i)) > seq(all.get(i - 1)), "ids grow: " + all);
            }

            JsonNode newest = events(server, ADMIN, "pager", "?order=desc&limit=3");
            assertEquals(reversed(all.subList(22, 25)), ids(newest), "desc pages start at the newest event");
            assertTrue(newest.get("has_more").asBoolean());
            JsonNode older = events(server, ADMIN, "pager", "?order=desc&limit=100&after="
                    + newest.get("last_id").asText());
            assertEquals(reversed(all.subList(0, 22)), ids(older));
            assertFalse(older.get("has_more").asBoolean());

            JsonNode none = events(server, ADMIN, "nobody", "");
            assertEquals(0, none.get("data").size(), "an unknown name has no events, not a 404");
            assertTrue(none.get("first_id").isNull());
            assertFalse(none.get("has_more").asBoolean());
        }
    }

    @Test
    void badPagingParametersAre400() {
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store"))
                .adminKey(ADMIN))) {
            for (String[] bad : new String[][] {{"limit=0", "limit"}, {"limit=101", "limit"}, {"limit=x", "limit"},
                    {"after=yesterday", "after"}, {"order=sideways", "order"}}) {
                JsonNode error = body(invalidAs(server, ADMIN).get("/v1/adapters/pager/events?" + bad[0]), 400);
                assertEquals(bad[1], error.at("/error/param").asText(), error.toString());
                assertEquals("invalid_request_error", error.at("/error/type").asText());
            }
            assertEquals(0, events(server, ADMIN, "pager", "?limit=100").get("data").size());
        }
    }

    @Test
    void theLogIsRotatedBySizeKeepingAFewFiles() throws Exception {
        Path store = tmp.resolve("store");
        try (ScionServer server = TestServers.start(TestServers.config().adapters(store).adminKey(ADMIN)
                .auditMaxBytes(2048).auditKeep(2))) {
            history(server, "rotor", 60);

            try (Stream<Path> files = Files.list(store)) {
                List<String> logs = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsonl"))
                        .sorted().toList();
                assertEquals(List.of("audit.1.jsonl", "audit.2.jsonl", "audit.jsonl"), logs, "two rotated files kept");
            }
            long lines = 0;
            for (String file : List.of("audit.jsonl", "audit.1.jsonl", "audit.2.jsonl")) {
                assertTrue(Files.size(store.resolve(file)) <= 2048, file + " is within --audit-max-bytes");
                lines += Files.readAllLines(store.resolve(file)).size();
            }
            List<String> kept = new ArrayList<>();
            String query = "?limit=7";
            while (true) {
                JsonNode page = events(server, ADMIN, "rotor", query);
                kept.addAll(ids(page));
                if (!page.get("has_more").asBoolean()) {
                    break;
                }
                query = "?limit=7&after=" + page.get("last_id").asText();
            }
            assertEquals(lines, kept.size(), "every kept event is listed once, across the files");
            assertTrue(seq(kept.get(0)) > 1, "the oldest events were rotated away");
            assertEquals(61, seq(kept.get(kept.size() - 1)), "the newest event is the last one written");
            for (int i = 1; i < kept.size(); i++) {
                assertEquals(seq(kept.get(i - 1)) + 1, seq(kept.get(i)), "no event lost or repeated: " + kept);
            }
        }
    }

    @Test
    void aLogWrittenBeforeEventIdsGetsThemOnStart() throws Exception {
        Path store = tmp.resolve("store");
        Files.createDirectories(store);
        Files.writeString(store.resolve("audit.jsonl"), """
                {"time":"2026-01-01T00:00:00Z","adapter":"old","action":"load","actor":"key:0123456789ab","outcome":"ok","detail":"version 1"}
                {"time":"2026-01-01T00:00:01Z","adapter":"other","action":"load","actor":"key:0123456789ab","outcome":"ok","detail":"version 1"}
                {"time":"2026-01-01T00:00:02Z","adapter":"old","action":"promote","actor":"anonymous","outcome":"refused","detail":"no"}
                {"time":"2026-01-01T00:00:03Z","adapter":"old","act""");
        try (ScionServer server = TestServers.start(TestServers.config().adapters(store).adminKey(ADMIN))) {
            body(as(server, ADMIN).contentType("application/json").body("{\"stable\":1}")
                    .put("/v1/adapters/old/routing"), 404);
            JsonNode page = events(server, ADMIN, "old", "");
            assertEquals(List.of("load", "promote", "routing"), page.get("data").findValuesAsText("action"),
                    "the torn last line carries no event");
            List<String> ids = ids(page);
            assertEquals(List.of(1L, 3L, 4L), ids.stream().map(AuditEventsTest::seq).toList());
        }
    }
}
