package dev.scion.server.pool;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adapter pool through HTTP: publish, address by name and version, route, promote, roll back, audit. */
class AdapterPoolTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "admin-secret";
    @TempDir
    static Path tmp;
    static ScionServer server;
    static ModelConfig config;

    @BeforeAll
    static void start() throws Exception {
        config = ModelConfig.load(TestServers.model());
        server = TestServers.start(TestServers.config().adapters(tmp.resolve("store")).adminKey(ADMIN));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Path peft(String folder, long seed) throws Exception {
        Path dir = tmp.resolve(folder);
        LoraAdapter adapter = RandomLora.create(folder, config, 8, EnumSet.of(Projection.Q, Projection.V, Projection.DOWN),
                seed, 16.0 / 8);
        PeftAdapter.write(adapter, dir, PeftConfig.of(8, 16, List.of(Projection.Q, Projection.V, Projection.DOWN),
                "scion-tiny-v1"));
        return dir;
    }

    /** A request whose request and response are both checked against api-spec/openapi.yaml. */
    static RequestSpecification client() {
        return given().port(server.port()).filter(OpenApiContract.filter());
    }

    /** For requests that break the contract on purpose: only the response is checked. */
    static RequestSpecification invalidClient() {
        return given().port(server.port()).filter(OpenApiContract.responseFilter());
    }

    static RequestSpecification admin() {
        return client().header("Authorization", "Bearer " + ADMIN).contentType("application/json");
    }

    static RequestSpecification invalidAdmin() {
        return invalidClient().header("Authorization", "Bearer " + ADMIN).contentType("application/json");
    }

    static JsonNode chat(String model, String user) throws Exception {
        return chat(model, user, 8);
    }

    static JsonNode chat(String model, String user, int maxTokens) throws Exception {
        Response r = client().contentType("application/json").body("{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],\"max_tokens\":" + maxTokens
                + ",\"temperature\":0"
                + (user == null ? "" : ",\"user\":\"" + user + "\"") + "}").post("/v1/chat/completions");
        assertEquals(200, r.statusCode(), r.asString());
        JsonNode body = JSON.readTree(r.asString());
        assertEquals(body.get("model").asText(), r.getHeader("X-Scion-Model"), "the header names the serving version");
        return body;
    }

    static String load(String name, Path folder, boolean inplace) {
        return "{\"lora_name\":\"" + name + "\",\"lora_path\":" + JSON.valueToTree(folder.toString()) + ",\"load_inplace\":"
                + inplace + "}";
    }

    static List<String> storeListing() throws Exception {
        try (Stream<Path> walk = Files.walk(tmp.resolve("store"))) {
            return walk.map(p -> tmp.resolve("store").relativize(p).toString())
                    .filter(p -> !p.startsWith("audit.jsonl")).sorted().toList();
        }
    }

    @Test
    void publishAddressRouteAndAudit() throws Exception {
        String base = TestServers.modelId();
        assertEquals(401, invalidClient().contentType("application/json")
                .body(load("bot", peft("bot-v1", 1), false)).post("/v1/load_lora_adapter").statusCode(),
                "mutations need the admin key: without credentials, 401");
        admin().body(load("bot", peft("bot-v1", 1), false)).post("/v1/load_lora_adapter").then().statusCode(200);
        assertEquals(400, admin().body(load("bot", peft("bot-v1b", 1), false)).post("/v1/load_lora_adapter").statusCode(),
                "loading an existing name needs load_inplace");
        Path v2 = peft("bot-v2", 2);
        Response upload = client().header("Authorization", "Bearer " + ADMIN)
                .multiPart("name", "bot")
                .multiPart("adapter_config.json", v2.resolve("adapter_config.json").toFile())
                .multiPart("adapter_model.safetensors", v2.resolve("adapter_model.safetensors").toFile())
                .post("/v1/adapters");
        assertEquals(201, upload.statusCode(), upload.asString());
        assertEquals("bot@2", JSON.readTree(upload.asString()).get("id").asText());
        Path zip = tmp.resolve("bot-v3.zip");
        Path v3 = peft("bot-v3", 3);
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            for (String f : List.of("adapter_config.json", "adapter_model.safetensors")) {
                out.putNextEntry(new java.util.zip.ZipEntry("bot-v3/" + f));
                out.write(Files.readAllBytes(v3.resolve(f)));
                out.closeEntry();
            }
        }
        Response archived = given().port(server.port()).header("Authorization", "Bearer " + ADMIN)
                .multiPart("name", "bot").multiPart("archive", zip.toFile()).post("/v1/adapters");
        assertEquals(201, archived.statusCode(), archived.asString());
        assertEquals("bot@3", JSON.readTree(archived.asString()).get("id").asText());

        String baseText = chat(base, null).at("/choices/0/message/content").asText();
        JsonNode latest = chat("bot", null);
        assertEquals("bot@3", latest.get("model").asText(), "without routing the latest version serves");
        JsonNode pinned = chat("bot@1", null);
        assertEquals("bot@1", pinned.get("model").asText());
        assertNotEquals(baseText, pinned.at("/choices/0/message/content").asText(), "the adapter changes the output");
        assertEquals(pinned.at("/choices/0/message/content"), chat("bot@1", null).at("/choices/0/message/content"));

        JsonNode models = JSON.readTree(client().get("/v1/models").asString());
        List<String> ids = models.get("data").findValuesAsText("id");
        assertEquals(base, ids.get(0), "the base model comes first");
        assertEquals(List.of("bot", "bot@1", "bot@2", "bot@3"), ids.subList(ids.indexOf("bot"), ids.indexOf("bot") + 4));
        assertEquals("bot", models.at("/data/" + ids.indexOf("bot@1") + "/parent").asText());
        assertEquals(base, models.at("/data/" + ids.indexOf("bot") + "/parent").asText());

        // canary: 50% of users on version 2, each user always on the same version
        admin().body("{\"stable\":1,\"canary\":2,\"canary_percent\":50,\"sticky\":\"user\"}")
                .put("/v1/adapters/bot/routing").then().statusCode(200);
        Map<String, String> seen = new HashMap<>();
        int canary = 0;
        for (int u = 0; u < 240; u++) {
            String served = chat("bot", "user-" + u, 1).get("model").asText();
            canary += served.equals("bot@2") ? 1 : 0;
            seen.put("user-" + u, served);
        }
        // 240 users at 50%: the count lies within 3 standard deviations (sqrt(240 * 0.25) = 7.7) of 120
        assertTrue(Math.abs(canary - 120) <= 23, "about half the users on the canary, got " + canary + "/240");
        for (int u = 0; u < 240; u += 17) {
            assertEquals(seen.get("user-" + u), chat("bot", "user-" + u).get("model").asText(), "sticky user " + u);
        }
        java.util.Set<String> bySession = new java.util.HashSet<>();
        for (int i = 0; i < 8; i++) { // without a user field, the X-Session-Id header keeps a client on one version
            bySession.add(given().port(server.port()).header("X-Session-Id", "session-42").contentType("application/json")
                    .body("{\"model\":\"bot\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":1}")
                    .post("/v1/chat/completions").getHeader("X-Scion-Model"));
        }
        assertEquals(1, bySession.size(), "one session, one version: " + bySession);
        assertEquals(400, admin().delete("/v1/adapters/bot/versions/2").statusCode(), "the canary cannot be deleted");
        admin().post("/v1/adapters/bot/promote").then().statusCode(200);
        assertEquals("bot@2", chat("bot", "user-1").get("model").asText(), "promoted: everyone gets version 2");
        assertEquals(400, admin().post("/v1/adapters/bot/rollback").statusCode(), "no canary left to roll back");
        admin().delete("/v1/adapters/bot/versions/1").then().statusCode(200);
        assertEquals(404, client().contentType("application/json").body("{\"model\":\"bot@1\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").post("/v1/chat/completions").statusCode());

        JsonNode events = JSON.readTree(admin().get("/v1/adapters/bot/events").asString()).get("data");
        List<String> actions = events.findValuesAsText("action");
        assertEquals(List.of("load", "load", "upload", "upload", "routing", "delete", "promote", "rollback", "delete"),
                actions.subList(0, actions.size()), actions.toString());
        assertEquals("refused", events.get(1).get("outcome").asText());
    }

    @Test
    void aFailingCanaryIsRolledBackByItself() throws Exception {
        admin().body(load("flaky", peft("flaky-v1", 5), false)).post("/v1/load_lora_adapter").then().statusCode(200);
        admin().body(load("flaky", peft("flaky-v2", 6), true)).post("/v1/load_lora_adapter").then().statusCode(200);
        // version 2 breaks on disk after publishing: every request routed to it fails to load it
        Files.write(tmp.resolve("store").resolve("flaky").resolve("2").resolve("adapter_model.safetensors"),
                new byte[] {1, 2, 3});
        admin().body("{\"stable\":1,\"canary\":2,\"canary_percent\":50,\"auto_rollback\":"
                + "{\"max_error_rate\":0.2,\"min_requests\":3}}").put("/v1/adapters/flaky/routing").then().statusCode(200);
        int failures = 0;
        for (int i = 0; i < 60 && failures < 40; i++) {
            Response r = given().port(server.port()).contentType("application/json").body("{\"model\":\"flaky\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":2}").post("/v1/chat/completions");
            if (r.statusCode() == 500) {
                failures++;
                assertTrue(!r.asString().contains("\tat "), "no stack trace in a 500");
            } else {
                assertEquals(200, r.statusCode(), r.asString());
            }
            JsonNode routing = JSON.readTree(admin().get("/v1/adapters/flaky").asString()).get("routing");
            if (routing.get("canary").isNull()) {
                break;
            }
        }
        JsonNode routing = JSON.readTree(admin().get("/v1/adapters/flaky").asString()).get("routing");
        assertTrue(routing.get("canary").isNull(), "the canary was rolled back: " + routing);
        assertEquals(1, routing.get("stable").asInt());
        assertTrue(failures >= 1, "the broken canary failed requests before the rollback");
        for (int i = 0; i < 5; i++) {
            assertEquals("flaky@1", chat("flaky", null).get("model").asText(), "after rollback all go to stable");
        }
        List<String> actions = JSON.readTree(admin().get("/v1/adapters/flaky/events").asString()).get("data")
                .findValuesAsText("action");
        assertEquals("auto_rollback", actions.get(actions.size() - 1), actions.toString());
        String metrics = given().port(server.port()).get("/metrics").asString();
        assertTrue(metrics.contains("scion_adapter_events_total{action=\"auto_rollback\",adapter=\"flaky\"}"), "counted");
    }

    @Test
    void badUploadsAreRefusedAndLeaveTheStoreUnchanged() throws Exception {
        admin().body(load("guard", peft("guard-v1", 3), false)).post("/v1/load_lora_adapter").then().statusCode(200);
        List<String> before = storeListing();
        Path good = peft("guard-good", 4);
        Path pickle = tmp.resolve("adapter_model.bin");
        Files.write(pickle, new byte[] {(byte) 0x80, 0x02, 'c', 'o', 's'});
        Response withPickle = invalidClient().header("Authorization", "Bearer " + ADMIN).multiPart("name", "guard")
                .multiPart("adapter_config.json", good.resolve("adapter_config.json").toFile())
                .multiPart("adapter_model.bin", pickle.toFile()).post("/v1/adapters");
        assertEquals(400, withPickle.statusCode());
        assertTrue(withPickle.asString().contains("pickle"), withPickle.asString());
        // a valid file with bytes appended that no tensor accounts for: a payload riding into the store
        Path smuggled = tmp.resolve("smuggled.safetensors");
        Files.write(smuggled, Files.readAllBytes(good.resolve("adapter_model.safetensors")));
        Files.write(smuggled, "#!/bin/sh\necho payload\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.file.StandardOpenOption.APPEND);
        Response withPayload = client().header("Authorization", "Bearer " + ADMIN).multiPart("name", "guard")
                .multiPart("adapter_config.json", good.resolve("adapter_config.json").toFile())
                .multiPart("adapter_model.safetensors", smuggled.toFile()).post("/v1/adapters");
        assertEquals(400, withPayload.statusCode(), withPayload.asString());
        String refusal = JSON.readTree(withPayload.asString()).at("/error/message").asText();
        assertTrue(refusal.startsWith("adapter_model.safetensors: 23 trailing bytes"), refusal);
        assertTrue(!refusal.contains(".tmp-") && !refusal.contains(tmp.toString()), "no server path: " + refusal);
        Response missing = client().header("Authorization", "Bearer " + ADMIN).multiPart("name", "guard")
                .multiPart("adapter_config.json", good.resolve("adapter_config.json").toFile()).post("/v1/adapters");
        assertEquals(400, missing.statusCode());
        Path wrongShape = tmp.resolve("wrong-shape");
        Files.createDirectories(wrongShape);
        Files.copy(good.resolve("adapter_model.safetensors"), wrongShape.resolve("adapter_model.safetensors"));
        Files.writeString(wrongShape.resolve("adapter_config.json"), Files.readString(good.resolve("adapter_config.json"))
                .replace("\"r\" : 8", "\"r\" : 4").replace("\"r\": 8", "\"r\": 4"));
        assertEquals(400, admin().body(load("guard", wrongShape, true)).post("/v1/load_lora_adapter").statusCode());
        assertEquals(400, invalidAdmin().body(load("../escape", good, true)).post("/v1/load_lora_adapter").statusCode());
        assertEquals(401, client().header("Authorization", "Bearer not-admin").multiPart("name", "guard")
                .multiPart("adapter_config.json", good.resolve("adapter_config.json").toFile()).post("/v1/adapters")
                .statusCode());
        Path hostile = tmp.resolve("hostile.tar.gz");
        try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                new java.util.zip.GZIPOutputStream(Files.newOutputStream(hostile)))) {
            byte[] evil = "x".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            var entry = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("../../escape.txt");
            entry.setSize(evil.length);
            out.putArchiveEntry(entry);
            out.write(evil);
            out.closeArchiveEntry();
        }
        Response traversal = given().port(server.port()).header("Authorization", "Bearer " + ADMIN)
                .multiPart("name", "guard").multiPart("archive", hostile.toFile()).post("/v1/adapters");
        assertEquals(400, traversal.statusCode(), traversal.asString());
        assertTrue(traversal.asString().contains(".."), traversal.asString());
        assertEquals(before, storeListing(), "refused uploads leave nothing in the store");
    }
}
