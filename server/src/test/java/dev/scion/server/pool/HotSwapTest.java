package dev.scion.server.pool;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot swap under load: 16 clients stream without pause while 50 versions are published, made
 * canary and promoted. No request may fail, and every answer must be exactly what the version it
 * reports gives when pinned.
 */
class HotSwapTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "swap-admin";
    static final String BODY = "{\"model\":\"swap\",\"stream\":true,\"max_tokens\":6,\"temperature\":0,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say something\"}]}";

    @TempDir
    Path tmp;

    record Answer(String model, String text, int status) {}

    Path peft(ModelConfig config, int seed) throws Exception {
        Path dir = tmp.resolve("v" + seed);
        PeftAdapter.write(RandomLora.create("swap", config, 4, EnumSet.of(Projection.Q, Projection.V), seed, 4.0), dir,
                PeftConfig.of(4, 16, List.of(Projection.Q, Projection.V), "scion-tiny-v1"));
        return dir;
    }

    static Answer stream(HttpClient http, int port) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        String model = null;
        StringBuilder text = new StringBuilder();
        boolean done = false;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.equals("data: [DONE]")) {
                    done = true;
                } else if (line.startsWith("data: ")) {
                    JsonNode chunk = JSON.readTree(line.substring(6));
                    model = chunk.get("model").asText();
                    text.append(chunk.at("/choices/0/delta/content").asText(""));
                }
            }
        }
        return new Answer(model, text.toString(), done ? response.statusCode() : -1);
    }

    @Test
    void fiftySwapsUnderSixteenStreamingClients() throws Exception {
        ModelConfig config = ModelConfig.load(TestServers.model());
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store"))
                .adminKey(ADMIN).maxBatch(8).queueSize(64))) {
            int port = server.port();
            var admin = given().port(port).header("Authorization", "Bearer " + ADMIN).contentType("application/json");
            admin.body("{\"lora_name\":\"swap\",\"lora_path\":" + JSON.valueToTree(peft(config, 1).toString()) + "}")
                    .post("/v1/load_lora_adapter").then().statusCode(200);
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            ExecutorService clients = Executors.newFixedThreadPool(16);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                running.add(clients.submit(() -> {
                    while (!stop.get()) {
                        answers.add(stream(http, port));
                    }
                    return null;
                }));
            }
            for (int v = 2; v <= 51; v++) {
                var a = given().port(port).header("Authorization", "Bearer " + ADMIN).contentType("application/json");
                a.body("{\"lora_name\":\"swap\",\"load_inplace\":true,\"lora_path\":"
                        + JSON.valueToTree(peft(config, v).toString()) + "}").post("/v1/load_lora_adapter")
                        .then().statusCode(200);
                given().port(port).header("Authorization", "Bearer " + ADMIN).contentType("application/json")
                        .body("{\"stable\":" + (v - 1) + ",\"canary\":" + v + ",\"canary_percent\":50}")
                        .put("/v1/adapters/swap/routing").then().statusCode(200);
                given().port(port).header("Authorization", "Bearer " + ADMIN).post("/v1/adapters/swap/promote")
                        .then().statusCode(200);
            }
            stop.set(true);
            for (Future<?> f : running) {
                f.get();
            }
            clients.shutdown();

            Map<String, String> pinned = new HashMap<>();
            for (Answer answer : answers) {
                assertEquals(200, answer.status(), "a request failed or ended early during the swaps");
                String expected = pinned.computeIfAbsent(answer.model(), m -> {
                    String body = given().port(port).contentType("application/json").body("{\"model\":\"" + m
                            + "\",\"max_tokens\":6,\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":"
                            + "\"Say something\"}]}").post("/v1/chat/completions").asString();
                    try {
                        return JSON.readTree(body).at("/choices/0/message/content").asText();
                    } catch (Exception e) {
                        throw new AssertionError(body, e);
                    }
                });
                assertEquals(expected, answer.text(), "the answer of " + answer.model() + " is that version's own");
            }
            assertTrue(answers.size() >= 16, "clients streamed throughout, got " + answers.size());
            assertTrue(pinned.size() >= 3, "answers came from several versions while swapping: " + pinned.keySet());
        }
    }
}
