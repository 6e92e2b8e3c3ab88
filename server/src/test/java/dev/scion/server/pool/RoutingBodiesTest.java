package dev.scion.server.pool;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PUT /v1/adapters/{name}/routing} takes its body as written: nothing is coerced, every refusal names its
 * field as {@code param} and leaves the routing as it was, and the rules are the store's, so what the store accepts
 * the server serves by.
 */
class RoutingBodiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "admin-secret";
    @TempDir
    static Path tmp;
    static ScionServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.config().adapters(tmp.resolve("store")).adminKey(ADMIN));
        for (String name : List.of("bot", "flaky")) {
            for (int version = 1; version <= 2; version++) {
                admin().body("{\"lora_name\":\"" + name + "\",\"lora_path\":"
                        + JSON.valueToTree(peft(name + "-v" + version, version).toString())
                        + ",\"load_inplace\":true}").post("/v1/load_lora_adapter").then().statusCode(200);
            }
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Path peft(String folder, long seed) throws Exception {
        ModelConfig config = ModelConfig.load(TestServers.model());
        List<Projection> targets = List.of(Projection.Q, Projection.V);
        LoraAdapter adapter = RandomLora.create(folder, config, 4, EnumSet.copyOf(targets), seed, 2.0);
        Path dir = tmp.resolve(folder);
        PeftAdapter.write(adapter, dir, PeftConfig.of(4, 8, targets, TestServers.modelId()));
        return dir;
    }

    private static RequestSpecification admin() {
        return given().port(server.port()).filter(OpenApiContract.filter()).contentType("application/json")
                .header("Authorization", "Bearer " + ADMIN);
    }

    /** For bodies that break the contract on purpose: only the response is checked against it. */
    private static RequestSpecification invalidAdmin() {
        return given().port(server.port()).filter(OpenApiContract.responseFilter()).contentType("application/json")
                .header("Authorization", "Bearer " + ADMIN);
    }

    private static JsonNode routing(String name) throws Exception {
        return JSON.readTree(admin().get("/v1/adapters/" + name).asString()).get("routing");
    }

    private static int chatStatus(String model) {
        return given().port(server.port()).contentType("application/json").body("{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":2}")
                .post("/v1/chat/completions").statusCode();
    }

    @Test
    void valuesThatWouldBeCoercedAreRefusedNamingTheirField() throws Exception {
        admin().body("{\"stable\":1}").put("/v1/adapters/bot/routing").then().statusCode(200);
        JsonNode before = routing("bot");
        String split = "\"stable\":1,\"canary\":2,";
        Map<String, String> refusals = new java.util.LinkedHashMap<>();
        refusals.put("{\"stable\":\"1\"}", "stable");
        refusals.put("{\"stable\":1.7}", "stable");
        refusals.put("{\"stable\":true}", "stable");
        refusals.put("{\"stable\":4294967297}", "stable"); // 2^32 + 1: would wrap to version 1
        refusals.put("{\"stable\":0}", "stable");
        refusals.put("{" + split + "\"canary_percent\":\"50\"}", "canary_percent");
        refusals.put("{" + split + "\"canary_percent\":50.7}", "canary_percent");
        refusals.put("{" + split + "\"canary_percent\":true}", "canary_percent");
        refusals.put("{" + split + "\"canary_percent\":4294967346}", "canary_percent"); // 2^32 + 50
        refusals.put("{" + split + "\"canary_percent\":101}", "canary_percent");
        refusals.put("{\"stable\":1,\"canary_percent\":10}", "canary_percent");
        refusals.put("{\"canary\":2,\"canary_percent\":10}", "stable");
        refusals.put("{\"stable\":2,\"canary\":2,\"canary_percent\":10}", "canary");
        refusals.put("{\"stable\":1,\"sticky\":true}", "sticky");
        refusals.put("{\"stable\":1,\"sticky\":\"session\"}", "sticky");
        refusals.put("{\"stable\":1,\"canary_percentage\":10}", "canary_percentage");
        refusals.put("{" + split + "\"canary_percent\":10,\"auto_rollback\":[0.1,5]}", "auto_rollback");
        refusals.put("{" + split + "\"canary_percent\":10,\"auto_rollback\":{\"min_requests\":5}}",
                "auto_rollback.max_error_rate");
        refusals.put("{" + split + "\"canary_percent\":10,\"auto_rollback\":{\"max_error_rate\":\"0.1\"}}",
                "auto_rollback.max_error_rate");
        refusals.put("{" + split + "\"canary_percent\":10,\"auto_rollback\":{\"max_error_rate\":1.5}}",
                "auto_rollback.max_error_rate");
        refusals.put("{" + split + "\"canary_percent\":10,\"auto_rollback\":{\"max_error_rate\":0.1,"
                + "\"min_requests\":2.5}}", "auto_rollback.min_requests");
        refusals.put("{" + split + "\"canary_percent\":10,\"auto_rollback\":{\"max_error_rate\":0.1,"
                + "\"min_requests\":0}}", "auto_rollback.min_requests");
        refusals.put("{" + split + "\"canary_percent\":10,\"auto_rollback\":{\"max_error_rate\":0.1,"
                + "\"window\":5}}", "auto_rollback.window");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            Response r = invalidAdmin().body(refusal.getKey()).put("/v1/adapters/bot/routing");
            assertEquals(400, r.statusCode(), refusal.getKey() + ": " + r.asString());
            JsonNode error = JSON.readTree(r.asString()).get("error");
            assertEquals("invalid_request_error", error.get("type").asText());
            assertEquals(refusal.getValue(), error.get("param").asText(), refusal.getKey() + ": " + error);
        }
        assertEquals(before, routing("bot"), "no refused body changed the routing");
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefusedAndLeavesTheRoutingAlone() throws Exception {
        admin().body("{\"stable\":2}").put("/v1/adapters/bot/routing").then().statusCode(200);
        for (String body : List.of("[1,2]", "[]", "2", "\"stable\"", "null")) {
            Response r = invalidAdmin().body(body).put("/v1/adapters/bot/routing");
            assertEquals(400, r.statusCode(), body + ": " + r.asString());
        }
        assertEquals(2, routing("bot").get("stable").asInt(), "not reset to the latest version");
    }

    @Test
    void anAbsentMinRequestsGetsTheDocumentedDefault() throws Exception {
        JsonNode set = JSON.readTree(admin().body("{\"stable\":1,\"canary\":2,\"canary_percent\":10,"
                + "\"auto_rollback\":{\"max_error_rate\":0.05}}").put("/v1/adapters/bot/routing").asString());
        assertEquals(0.05, set.at("/auto_rollback/max_error_rate").asDouble());
        assertEquals(100, set.at("/auto_rollback/min_requests").asInt());
        assertEquals(set, routing("bot"), "as stored");
        JsonNode cleared = JSON.readTree(admin().body("{\"stable\":null,\"canary\":null,\"auto_rollback\":null}")
                .put("/v1/adapters/bot/routing").asString());
        assertTrue(cleared.get("stable").isNull() && cleared.get("auto_rollback").isNull(), cleared.toString());
        assertEquals(0, cleared.get("canary_percent").asInt());
    }

    /**
     * The store accepts a rate of 1, so the server does too, and still counts the canary's errors under it: a
     * tighter bound set later for the same canary judges everything it served.
     */
    @Test
    void aRateOfOneIsServedByAndTheCanaryErrorsStillCount() throws Exception {
        // version 2 breaks on disk after publishing: every request routed to it fails to load it
        Files.write(tmp.resolve("store").resolve("flaky").resolve("2").resolve("adapter_model.safetensors"),
                new byte[] {1, 2, 3});
        admin().body("{\"stable\":1,\"canary\":2,\"canary_percent\":100,\"auto_rollback\":"
                + "{\"max_error_rate\":1.0,\"min_requests\":1}}").put("/v1/adapters/flaky/routing").then().statusCode(200);
        for (int i = 0; i < 4; i++) {
            assertEquals(500, chatStatus("flaky"), "the broken canary fails");
        }
        assertEquals(2, routing("flaky").get("canary").asInt(), "an error rate of 1 never exceeds a bound of 1");
        admin().body("{\"stable\":1,\"canary\":2,\"canary_percent\":100,\"auto_rollback\":"
                + "{\"max_error_rate\":0.5,\"min_requests\":5}}").put("/v1/adapters/flaky/routing").then().statusCode(200);
        assertEquals(500, chatStatus("flaky"), "the fifth failure");
        assertTrue(routing("flaky").get("canary").isNull(), "five requests, five errors: rolled back at once");
        assertEquals(200, chatStatus("flaky"), "back on the stable version");
    }
}
