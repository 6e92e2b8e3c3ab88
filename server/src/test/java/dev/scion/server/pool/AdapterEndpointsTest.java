package dev.scion.server.pool;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adapter endpoints' answers that AdapterPoolTest does not reach (listing, describing, unloading, the key
 * checks, servers without an admin key or without a store), each exchange checked against api-spec/openapi.yaml.
 */
class AdapterEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "admin-key-1";
    private static final String INFERENCE = "inference-key-1";

    @TempDir
    Path tmp;

    private Path peft(String folder) throws Exception {
        ModelConfig config = ModelConfig.load(TestServers.model());
        List<Projection> targets = List.of(Projection.Q, Projection.V);
        LoraAdapter adapter = RandomLora.create(folder, config, 4, EnumSet.copyOf(targets), 7, 2.0);
        Path dir = tmp.resolve(folder);
        PeftAdapter.write(adapter, dir, PeftConfig.of(4, 8, targets, TestServers.modelId()));
        return dir;
    }

    private static RequestSpecification as(ScionServer server, String key) {
        return given().port(server.port()).filter(OpenApiContract.filter()).contentType("application/json")
                .header("Authorization", "Bearer " + key);
    }

    private static String load(String name, Path folder) {
        return "{\"lora_name\":\"" + name + "\",\"lora_path\":" + JSON.valueToTree(folder.toString()) + "}";
    }

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":2}";
    }

    /** The top-level ids of a list's items (not the ids nested in them). */
    private static List<String> ids(JsonNode items) {
        List<String> out = new ArrayList<>();
        items.forEach(item -> out.add(item.get("id").asText()));
        return out;
    }

    private static JsonNode body(Response r, int status) throws Exception {
        assertEquals(status, r.statusCode(), r.asString());
        return JSON.readTree(r.asString());
    }

    @Test
    void listDescribeRouteAndUnloadWithKeys() throws Exception {
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store"))
                .adminKey(ADMIN).apiKeys(List.of(INFERENCE)))) {
            body(as(server, ADMIN).body(load("lister", peft("lister-v1"))).post("/v1/load_lora_adapter"), 200);

            JsonNode list = body(as(server, INFERENCE).get("/v1/adapters"), 200);
            assertEquals(List.of("lister"), ids(list.get("data")));
            JsonNode one = body(as(server, INFERENCE).get("/v1/adapters/lister"), 200);
            assertEquals(1, one.get("latest").asInt());
            assertEquals("lister@1", one.at("/versions/0/id").asText());
            assertEquals("load", one.at("/versions/0/source").asText());
            assertEquals(List.of("q_proj", "v_proj"), JSON.convertValue(one.at("/versions/0/targets"), List.class));
            assertEquals("adapter_not_found",
                    body(as(server, INFERENCE).get("/v1/adapters/nobody"), 404).at("/error/code").asText());

            assertEquals("admin_key_required", body(as(server, INFERENCE).post("/v1/adapters/lister/promote"), 403)
                    .at("/error/code").asText(), "an inference key is not an admin key");
            assertEquals("invalid_api_key", body(as(server, "guess").post("/v1/adapters/lister/promote"), 401)
                    .at("/error/code").asText(), "an unknown key is refused before the admin check");

            JsonNode routing = body(as(server, ADMIN).body("{\"stable\":1,\"sticky\":\"user\","
                    + "\"auto_rollback\":{\"max_error_rate\":0.25,\"min_requests\":20}}")
                    .put("/v1/adapters/lister/routing"), 200);
            assertEquals(0.25, routing.at("/auto_rollback/max_error_rate").asDouble());
            assertEquals(20, routing.at("/auto_rollback/min_requests").asInt());
            assertEquals("user", routing.get("sticky").asText());
            assertEquals(400, as(server, ADMIN).body("{\"canary\":1}").put("/v1/adapters/lister/routing")
                    .statusCode(), "a canary needs an explicit stable version");
            assertEquals(404, as(server, ADMIN).body("{\"stable\":1,\"canary\":9,\"canary_percent\":5}")
                    .put("/v1/adapters/lister/routing").statusCode(), "version 9 does not exist");

            JsonNode unloaded = body(as(server, ADMIN).body("{\"lora_name\":\"lister\"}")
                    .post("/v1/unload_lora_adapter"), 200);
            assertEquals("lister", unloaded.get("id").asText());
            assertEquals("model_not_found", body(as(server, INFERENCE).body(chat("lister"))
                    .post("/v1/chat/completions"), 404).at("/error/code").asText());
            assertEquals("adapter_not_found", body(as(server, ADMIN).body("{\"lora_name\":\"lister\"}")
                    .post("/v1/unload_lora_adapter"), 404).at("/error/code").asText());
            JsonNode events = body(as(server, INFERENCE).get("/v1/adapters/lister/events"), 200).get("data");
            assertEquals(List.of("load", "routing", "routing", "routing", "unload", "unload"),
                    events.findValuesAsText("action"));
            assertEquals(List.of("ok", "ok", "refused", "refused", "ok", "refused"),
                    events.findValuesAsText("outcome"), "the admin's refused calls are audited at once; the 403 and "
                            + "401 are tallied and written each interval (AuditRefusalsTest)");
        }
    }

    @Test
    void withoutAnAdminKeyChangesAreOffButReadsWork() throws Exception {
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store")))) {
            assertEquals("admin_disabled", body(as(server, "anything").body(load("x", peft("x-v1")))
                    .post("/v1/load_lora_adapter"), 403).at("/error/code").asText());
            assertEquals(List.of(), ids(body(as(server, "anything").get("/v1/adapters"), 200).get("data")));
        }
    }

    @Test
    void withoutAStoreTheAdapterEndpointsAreNotFound() throws Exception {
        try (ScionServer server = TestServers.start(TestServers.config().adminKey(ADMIN))) {
            assertEquals("adapters_disabled", body(as(server, ADMIN).get("/v1/adapters"), 404)
                    .at("/error/code").asText());
            assertEquals("adapters_disabled", body(as(server, ADMIN).body(load("x", peft("x-v1")))
                    .post("/v1/load_lora_adapter"), 404).at("/error/code").asText());
            assertEquals("model_not_found", body(as(server, ADMIN).body(chat("x")).post("/v1/chat/completions"), 404)
                    .at("/error/code").asText());
            assertEquals(List.of(TestServers.modelId()), ids(body(as(server, ADMIN).get("/v1/models"), 200)
                    .get("data")));
        }
    }
}
