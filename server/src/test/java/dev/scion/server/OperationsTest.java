package dev.scion.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.response.Response;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Operating limits: API keys, body size, a full queue, readiness, and queue timeouts. */
class OperationsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static String chat(int maxTokens, boolean stream) {
        return "{\"model\":\"" + TestServers.modelId() + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"max_tokens\":" + maxTokens + ",\"stream\":" + stream + ",\"temperature\":0}";
    }

    @Test
    void apiKeysAreRequiredWhenConfigured() throws Exception {
        try (ScionServer server = TestServers.start(TestServers.config().apiKeys(List.of("k-one", "k-two")))) {
            Response missing = given().port(server.port()).contentType("application/json").body(chat(2, false))
                    .post("/v1/chat/completions");
            assertEquals(401, missing.statusCode());
            assertEquals("invalid_api_key", JSON.readTree(missing.asString()).at("/error/code").asText());
            OpenApiContract.assertValid("POST", "/v1/chat/completions", 401, "application/json", missing.asString());
            given().port(server.port()).header("Authorization", "Bearer wrong").get("/v1/models").then().statusCode(401);
            given().port(server.port()).filter(OpenApiContract.filter()).header("Authorization", "Bearer k-two")
                    .get("/v1/models").then().statusCode(200);
            given().port(server.port()).header("Authorization", "Bearer k-one").contentType("application/json")
                    .body(chat(2, false)).post("/v1/chat/completions").then().statusCode(200);
            given().port(server.port()).get("/health").then().statusCode(200); // probes stay open
        }
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        try (ScionServer server = TestServers.start(TestServers.config().maxBodyBytes(1024))) {
            String big = "{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(4000) + "\"}]}";
            Response r = given().port(server.port()).contentType("application/json").body(big).post("/v1/chat/completions");
            assertEquals(413, r.statusCode());
            assertEquals("invalid_request_error", JSON.readTree(r.asString()).at("/error/type").asText());
        }
    }

    @Test
    void aFullQueueIs429WithRetryAfterAndNotReady() throws Exception {
        try (ScionServer server = TestServers.start(TestServers.config().maxBatch(1).queueSize(1))) {
            HttpResponse<InputStream> running = SseClient.open(server.port(), "/v1/chat/completions", chat(400, true));
            // a second request takes the only queue place; its answer comes once the first is done
            var queued = SseClient.openAsync(server.port(), "/v1/chat/completions", chat(2, false));
            try (InputStream body = running.body()) {
                assertEquals(200, running.statusCode());
                body.read(); // the first event arrived: the only slot is taken
                awaitTrue(() -> server.serving().engine().waiting() == 1, Duration.ofSeconds(30));
                Response refused = given().port(server.port()).contentType("application/json").body(chat(2, false))
                        .post("/v1/chat/completions");
                assertEquals(429, refused.statusCode(), refused.asString());
                assertEquals("1", refused.getHeader("Retry-After"));
                OpenApiContract.assertValid("POST", "/v1/chat/completions", 429,
                        java.util.Map.of("Content-Type", "application/json", "Retry-After", "1"), refused.asString());
                assertEquals(503, given().port(server.port()).get("/ready").statusCode());
            }
            // the client left: its sequence is cancelled, the queued one runs, and the server is ready again
            assertEquals(200, queued.get().statusCode());
            awaitTrue(() -> given().port(server.port()).get("/ready").statusCode() == 200, Duration.ofSeconds(30));
            given().port(server.port()).contentType("application/json").body(chat(2, false))
                    .post("/v1/chat/completions").then().statusCode(200);
        }
    }

    @Test
    void aRequestThatWaitsPastTheTimeoutIs503() throws Exception {
        try (ScionServer server = TestServers.start(TestServers.config().maxBatch(1).queueSize(4)
                .requestTimeout(Duration.ofMillis(300)))) {
            HttpResponse<InputStream> running = SseClient.open(server.port(), "/v1/chat/completions", chat(400, true));
            try (InputStream body = running.body()) {
                body.read();
                Response waited = given().port(server.port()).contentType("application/json").body(chat(2, false))
                        .post("/v1/chat/completions");
                assertEquals(503, waited.statusCode(), waited.asString());
                assertTrue(JSON.readTree(waited.asString()).at("/error/message").asText().contains("timeout"));
            }
        }
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, Duration timeout) {
        Conditions.await("the condition", condition, timeout);
    }
}
