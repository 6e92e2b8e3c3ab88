package dev.scion.server.pool;

import static dev.scion.server.pool.AuditClient.as;
import static dev.scion.server.pool.AuditClient.body;
import static dev.scion.server.pool.AuditClient.events;
import static dev.scion.server.pool.AuditClient.load;
import static dev.scion.server.pool.AuditClient.peft;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the audit log tells inference-key holders: no server paths (the store's, the upload's temp folders), no
 * name that clashes with the store's own files, and actors that cannot be matched against a guessed key.
 */
class AuditPrivacyTest {
    private static final String ADMIN = "audit-privacy-admin";
    private static final String INFERENCE = "audit-privacy-inference";

    @TempDir
    Path tmp;

    private static void assertNoPath(String text, Path... paths) throws Exception {
        assertFalse(text.contains("scion-upload-"), "no temp upload folder in: " + text);
        for (Path p : paths) {
            assertFalse(text.contains(p.toString()), "no server path " + p + " in: " + text);
            assertFalse(text.contains(p.toRealPath().toString()), "no server path " + p + " in: " + text);
        }
    }

    @Test
    void theStoresOwnFileNamesAreRefusedAsAdapterNames() throws Exception {
        Path store = tmp.resolve("store");
        try (ScionServer server = TestServers.start(TestServers.config().adapters(store).adminKey(ADMIN))) {
            Path good = peft(tmp, "good", 5);
            body(as(server, ADMIN).contentType("application/json").body(load("bot", good))
                    .post("/v1/load_lora_adapter"), 200); // the audit log now exists
            for (String reserved : List.of("audit.jsonl", "audit.1.jsonl")) {
                JsonNode loaded = body(as(server, ADMIN).contentType("application/json").body(load(reserved, good))
                        .post("/v1/load_lora_adapter"), 400);
                assertTrue(loaded.at("/error/message").asText().contains("reserved"), loaded.toString());
                JsonNode uploaded = body(as(server, ADMIN).multiPart("name", reserved)
                        .multiPart("adapter_config.json", good.resolve("adapter_config.json").toFile())
                        .multiPart("adapter_model.safetensors", good.resolve("adapter_model.safetensors").toFile())
                        .post("/v1/adapters"), 400);
                assertTrue(uploaded.at("/error/message").asText().contains("reserved"), uploaded.toString());
                assertNoPath(loaded.toString() + uploaded, store, good);
                JsonNode events = events(server, ADMIN, reserved, "");
                assertEquals(List.of("refused", "refused"), events.get("data").findValuesAsText("outcome"));
                assertNoPath(events.toString(), store, good);
            }
            assertTrue(Files.isRegularFile(store.resolve("audit.jsonl")), "the audit log is still a file");
            assertFalse(Files.exists(store.resolve("audit.1.jsonl")));
        }
    }

    @Test
    void refusedUploadsTellNoServerPaths() throws Exception {
        Path store = tmp.resolve("store");
        try (ScionServer server = TestServers.start(TestServers.config().adapters(store).adminKey(ADMIN)
                .apiKeys(List.of(INFERENCE)))) {
            Path good = peft(tmp, "good", 6);
            Path wrongRank = tmp.resolve("wrong-rank");
            Files.createDirectories(wrongRank);
            Files.copy(good.resolve("adapter_model.safetensors"), wrongRank.resolve("adapter_model.safetensors"));
            Files.writeString(wrongRank.resolve("adapter_config.json"), Files.readString(
                    good.resolve("adapter_config.json")).replace("\"r\" : 4", "\"r\" : 2").replace("\"r\": 4", "\"r\": 2"));
            body(as(server, ADMIN).contentType("application/json").body(load("bot", good))
                    .post("/v1/load_lora_adapter"), 200);
            JsonNode uploaded = body(as(server, ADMIN).multiPart("name", "bot")
                    .multiPart("adapter_config.json", wrongRank.resolve("adapter_config.json").toFile())
                    .multiPart("adapter_model.safetensors", wrongRank.resolve("adapter_model.safetensors").toFile())
                    .post("/v1/adapters"), 400);
            assertTrue(uploaded.at("/error/message").asText().contains("adapter_"), "still names the file: " + uploaded);
            JsonNode loaded = body(as(server, ADMIN).contentType("application/json").body(load("bot", wrongRank))
                    .post("/v1/load_lora_adapter"), 400);
            JsonNode events = events(server, INFERENCE, "bot", "");
            assertEquals(List.of("ok", "refused", "refused"), events.get("data").findValuesAsText("outcome"));
            assertNoPath(uploaded.toString() + loaded + events, store, wrongRank,
                    Path.of(System.getProperty("java.io.tmpdir")));
        }
    }

    @Test
    void actorsAreAKeyedHashWithASecretOfTheStore() throws Exception {
        Path store = tmp.resolve("store");
        String actor;
        try (ScionServer server = TestServers.start(TestServers.config().adapters(store).adminKey(ADMIN)
                .apiKeys(List.of(INFERENCE)))) {
            body(as(server, ADMIN).contentType("application/json").body(load("bot", peft(tmp, "v1", 7)))
                    .post("/v1/load_lora_adapter"), 200);
            actor = events(server, INFERENCE, "bot", "").at("/data/0/actor").asText();
        }
        assertTrue(actor.matches("key:[0-9a-f]{12}"), actor);
        assertNotEquals("key:" + sha256Prefix(ADMIN), actor, "a guessed key must not be checkable against the log");
        Path secret = store.resolve(".audit-secret");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));

        try (ScionServer again = TestServers.start(TestServers.config().adapters(store).adminKey(ADMIN))) {
            body(as(again, ADMIN).contentType("application/json").body(load("bot", peft(tmp, "v2", 8)))
                    .post("/v1/load_lora_adapter"), 200);
            assertEquals(actor, events(again, ADMIN, "bot", "").at("/data/1/actor").asText(),
                    "the same key is the same actor after a restart");
        }
        try (ScionServer other = TestServers.start(TestServers.config().adapters(tmp.resolve("other"))
                .adminKey(ADMIN))) {
            body(as(other, ADMIN).contentType("application/json").body(load("bot", peft(tmp, "v3", 9)))
                    .post("/v1/load_lora_adapter"), 200);
            assertNotEquals(actor, events(other, ADMIN, "bot", "").at("/data/0/actor").asText(),
                    "another store has another secret");
        }
    }

    private static String sha256Prefix(String key) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(hash, 0, 6);
    }
}
