package dev.scion.server.pool;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraFactor;
import dev.scion.engine.lora.LoraTarget;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.server.PoisonedLora;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adapters whose weights overflow float32: refused at publish when the cheap bound shows it; otherwise
 * their requests end with an error (500, or an error event closing the stream) while every other
 * request carries on, and their failures mark the version unhealthy and count towards auto-rollback.
 * Before the engine finished such sequences, the first poisoned request wedged its slot: the step
 * failed and was retried forever, and the request answered only when the request timeout cancelled it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PoisonedAdapterTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "admin-secret";
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @TempDir
    static Path tmp;
    static ScionServer server;
    static ModelConfig config;
    static PoisonedLora poison;

    @BeforeAll
    static void start() throws Exception {
        config = ModelConfig.load(TestServers.model());
        poison = PoisonedLora.find(TestServers.model(), config);
        server = TestServers.start(TestServers.config().adapters(tmp.resolve("store")).adminKey(ADMIN)
                .requestTimeout(Duration.ofSeconds(30)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Path good(String folder, long seed) throws IOException {
        Path dir = tmp.resolve(folder);
        LoraAdapter adapter = RandomLora.create(folder, config, 8, EnumSet.of(Projection.Q, Projection.V), seed, 2.0);
        PeftAdapter.write(adapter, dir, PeftConfig.of(8, 16, List.of(Projection.Q, Projection.V), "scion-tiny-v1"));
        return dir;
    }

    /** A random adapter with every weight times 1e30: finite, but its update is far beyond float32. */
    static Path inflated(String folder) throws IOException {
        LoraAdapter random = RandomLora.create(folder, config, 8, EnumSet.of(Projection.Q, Projection.V), 9, 2.0);
        java.util.Map<LoraTarget, LoraFactor> factors = new java.util.HashMap<>();
        random.factors().forEach((t, f) -> factors.put(t, new LoraFactor(f.rank(), f.in(), f.out(), f.scaling(),
                times(f.a(), 1e30f), times(f.b(), 1e30f))));
        Path dir = tmp.resolve(folder);
        PeftAdapter.write(new LoraAdapter(folder, factors), dir, PeftConfig.of(8, 16,
                List.of(Projection.Q, Projection.V), "scion-tiny-v1"));
        return dir;
    }

    private static float[] times(float[] v, float factor) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * factor;
        }
        return out;
    }

    static RequestSpecification client() {
        return given().port(server.port()).filter(OpenApiContract.filter());
    }

    static RequestSpecification admin() {
        return client().header("Authorization", "Bearer " + ADMIN).contentType("application/json");
    }

    static String load(String name, Path folder, boolean inplace) {
        return "{\"lora_name\":\"" + name + "\",\"lora_path\":" + JSON.valueToTree(folder.toString())
                + ",\"load_inplace\":" + inplace + "}";
    }

    static String completion(String model, List<int[]> prompts, int maxTokens, boolean stream) {
        List<String> parts = prompts.stream().map(Arrays::toString).map(s -> s.replace(" ", "")).toList();
        return "{\"model\":\"" + model + "\",\"prompt\":" + parts + ",\"max_tokens\":" + maxTokens
                + ",\"temperature\":0,\"stream\":" + stream + "}";
    }

    /** A plain client with a deadline, so a wedged request fails the test instead of hanging it. */
    static HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void assertNonFiniteError(JsonNode body, String modelId) {
        JsonNode error = body.get("error");
        assertTrue(error != null && error.isObject(), body.toString());
        assertEquals("server_error", error.get("type").asText());
        assertEquals("non_finite_logits", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("'" + modelId + "'"), error.toString());
        assertTrue(error.get("message").asText().contains("non-finite logits"), error.toString());
        assertFalse(body.toString().contains("\tat ") || body.toString().contains("Exception"), "no internals");
    }

    @Test
    void weightsWhoseUpdateCannotBeRepresentedAreRefusedAtUploadAndLoad() throws Exception {
        Path huge = inflated("huge");
        Response upload = client().header("Authorization", "Bearer " + ADMIN).multiPart("name", "huge")
                .multiPart("adapter_config.json", huge.resolve("adapter_config.json").toFile())
                .multiPart("adapter_model.safetensors", huge.resolve("adapter_model.safetensors").toFile())
                .post("/v1/adapters");
        assertEquals(400, upload.statusCode(), upload.asString());
        JsonNode error = JSON.readTree(upload.asString()).get("error");
        assertEquals("invalid_request_error", error.get("type").asText());
        assertTrue(error.get("message").asText().contains("cannot be represented in float32"), error.toString());
        assertTrue(error.get("message").asText().contains("q_proj"), "names the projection: " + error);

        Response loaded = admin().body(load("huge", huge, false)).post("/v1/load_lora_adapter");
        assertEquals(400, loaded.statusCode(), loaded.asString());
        assertTrue(loaded.asString().contains("cannot be represented in float32"), loaded.asString());
        assertEquals(404, client().get("/v1/adapters/huge").statusCode(), "nothing was published");

        // the poison used below is finite and within the bound: it is published, and fails only at run time
        admin().body(load("within-bound", poison.write(tmp.resolve("within-bound")), false))
                .post("/v1/load_lora_adapter").then().statusCode(200);
    }

    @Test
    void aPoisonedAdapterFailsItsOwnRequestsAndTheOthersCarryOn() throws Exception {
        admin().body(load("bot", good("bot-v1", 1), false)).post("/v1/load_lora_adapter").then().statusCode(200);
        admin().body(load("bot", poison.write(tmp.resolve("bot-v2")), true)).post("/v1/load_lora_adapter")
                .then().statusCode(200);
        String base = TestServers.modelId();

        // a long base-model stream is running while the poisoned requests join and leave its batch
        HttpResponse<InputStream> longStream = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.port() + "/v1/completions")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(completion(base, List.of(poison.safe()), 300, true)))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, longStream.statusCode());
        List<String> events = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(longStream.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null && events.isEmpty()) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                }
            }
            for (int i = 0; i < 3; i++) { // three in a row: the version becomes unhealthy
                HttpResponse<String> failed = post("/v1/completions",
                        completion("bot@2", List.of(poison.unsafePrompt()), 8, i == 1));
                assertEquals(500, failed.statusCode(), failed.body());
                assertEquals("application/json", failed.headers().firstValue("Content-Type").orElse(""),
                        "nothing was streamed before the failure, so even stream: true gets the JSON error");
                assertNonFiniteError(JSON.readTree(failed.body()), "bot@2");
                OpenApiContract.assertValid("POST", "/v1/completions", 500, "application/json", failed.body());
            }
            HttpResponse<String> fine = post("/v1/completions", completion("bot@1", List.of(poison.unsafePrompt()), 8,
                    false));
            assertEquals(200, fine.statusCode(), "another version of the same adapter serves: " + fine.body());
            assertEquals(8, JSON.readTree(fine.body()).at("/usage/completion_tokens").asInt());
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                }
            }
        }
        assertEquals("[DONE]", events.get(events.size() - 1), "the long stream ended normally");
        String finish = events.stream().filter(e -> e.contains("\"finish_reason\":\"")).findFirst().orElse("");
        assertTrue(finish.contains("\"finish_reason\":\"length\""), "all 300 tokens: " + finish);
        assertFalse(events.stream().anyMatch(e -> e.contains("\"error\"")), "no error reached the base stream");

        JsonNode adapter = JSON.readTree(admin().get("/v1/adapters/bot").asString());
        JsonNode unhealthy = adapter.get("unhealthy_versions");
        assertEquals(1, unhealthy.size(), adapter.toString());
        assertEquals(2, unhealthy.get(0).get("version").asInt());
        assertEquals(3, unhealthy.get(0).get("consecutive_failures").asInt());
        assertTrue(unhealthy.get(0).get("reason").asText().contains("non-finite logits"), unhealthy.toString());
        List<String> actions = JSON.readTree(admin().get("/v1/adapters/bot/events").asString()).get("data")
                .findValuesAsText("action");
        assertEquals("unhealthy", actions.get(actions.size() - 1), actions.toString());
        String metrics = given().port(server.port()).get("/metrics").asString();
        assertTrue(metrics.contains("scion_adapter_events_total{action=\"unhealthy\",adapter=\"bot\"}"), "counted");
    }

    @Test
    void aFailureAfterTheStreamStartedIsAnErrorEventThenDone() throws Exception {
        admin().body(load("streamer", poison.write(tmp.resolve("streamer-v1")), false)).post("/v1/load_lora_adapter")
                .then().statusCode(200);
        // two choices: the safe prompt's first token opens the stream, the unsafe prompt then fails
        Response r = client().contentType("application/json")
                .body(completion("streamer@1", List.of(poison.safe(), poison.unsafePrompt()), 16, true))
                .post("/v1/completions"); // the contract filter checks every event and the final [DONE]
        assertEquals(200, r.statusCode(), r.asString());
        List<String> events = Arrays.stream(r.asString().split("\n\n")).map(String::strip)
                .filter(e -> e.startsWith("data: ")).map(e -> e.substring(6)).toList();
        assertEquals("[DONE]", events.get(events.size() - 1), r.asString());
        JsonNode error = JSON.readTree(events.get(events.size() - 2));
        assertNonFiniteError(error, "streamer@1");
        JsonNode first = JSON.readTree(events.get(0));
        assertEquals("text_completion", first.get("object").asText(), "a token came before the error: " + events);
        assertFalse(r.asString().contains("\"usage\""), "a failed stream carries no usage chunk");
    }

    @Test
    void aPoisonedCanaryCountsItsErrorsAndIsRolledBack() throws Exception {
        admin().body(load("canary", good("canary-v1", 4), false)).post("/v1/load_lora_adapter").then().statusCode(200);
        admin().body(load("canary", poison.write(tmp.resolve("canary-v2")), true)).post("/v1/load_lora_adapter")
                .then().statusCode(200);
        admin().body("{\"stable\":1,\"canary\":2,\"canary_percent\":100,\"auto_rollback\":"
                + "{\"max_error_rate\":0.5,\"min_requests\":4}}").put("/v1/adapters/canary/routing").then().statusCode(200);
        int failures = 0;
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = post("/v1/completions", completion("canary", List.of(poison.unsafePrompt()), 4,
                    false));
            if (r.statusCode() == 500) {
                failures++;
                assertEquals("canary@2", r.headers().firstValue("X-Scion-Model").orElse(""));
                assertNonFiniteError(JSON.readTree(r.body()), "canary@2");
            } else {
                assertEquals(200, r.statusCode(), r.body());
            }
            if (JSON.readTree(admin().get("/v1/adapters/canary").asString()).at("/routing/canary").isNull()) {
                break;
            }
        }
        JsonNode routing = JSON.readTree(admin().get("/v1/adapters/canary").asString()).get("routing");
        assertTrue(routing.get("canary").isNull(), "the poisoned canary was rolled back: " + routing);
        assertEquals(4, failures, "min_requests failures, each counted before its answer, then the rollback");
        HttpResponse<String> after = post("/v1/completions", completion("canary", List.of(poison.unsafePrompt()), 4,
                false));
        assertEquals(200, after.statusCode(), after.body());
        assertEquals("canary@1", after.headers().firstValue("X-Scion-Model").orElse(""));
        List<String> actions = JSON.readTree(admin().get("/v1/adapters/canary/events").asString()).get("data")
                .findValuesAsText("action");
        assertTrue(actions.contains("auto_rollback"), actions.toString());

        // made the canary again, it is judged afresh: its earlier counts do not make it immune
        admin().body("{\"stable\":1,\"canary\":2,\"canary_percent\":100,\"auto_rollback\":"
                + "{\"max_error_rate\":0.5,\"min_requests\":4}}").put("/v1/adapters/canary/routing").then().statusCode(200);
        int again = 0;
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = post("/v1/completions", completion("canary", List.of(poison.unsafePrompt()), 4,
                    false));
            if (r.statusCode() == 500) {
                again++;
            }
            if (JSON.readTree(admin().get("/v1/adapters/canary").asString()).at("/routing/canary").isNull()) {
                break;
            }
        }
        assertTrue(JSON.readTree(admin().get("/v1/adapters/canary").asString()).at("/routing/canary").isNull(),
                "the canary was rolled back a second time");
        assertEquals(4, again, "judged on its new requests alone");
    }
}
