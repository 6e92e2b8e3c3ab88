package dev.scion.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.server.contract.OpenApiContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 32 streaming clients at once, more than the server's 8 slots: every stream must equal the same
 * request run alone, and clients that leave mid-stream must free their slots.
 */
class ConcurrencyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int CLIENTS = 32;
    static final String[] QUESTIONS = {"What is a cat?", "Count to five.", "你好，世界", "Explain LoRA briefly."};
    static ScionServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config().maxBatch(8).queueSize(64));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String body(int client, boolean stream) {
        return "{\"model\":\"" + TestServers.modelId() + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + QUESTIONS[client % QUESTIONS.length] + "\"}],\"max_tokens\":" + (12 + client % 5)
                + ",\"temperature\":0,\"stream\":" + stream + "}";
    }

    static String alone(int client) throws Exception {
        String answer = given().port(server.port()).filter(OpenApiContract.filter()).contentType("application/json")
                .body(body(client, false))
                .post("/v1/chat/completions").asString();
        return JSON.readTree(answer).at("/choices/0/message/content").asText();
    }

    /** Streams one request; with {@code leaveAfter} > 0 the client hangs up after that many events. */
    static String streamed(int client, int leaveAfter) throws Exception {
        SseClient.Stream stream = SseClient.read(server.port(), "/v1/chat/completions", body(client, true), leaveAfter);
        assertEquals(200, stream.status());
        StringBuilder text = new StringBuilder();
        for (String event : stream.json()) {
            OpenApiContract.assertValidChatChunk(event); // every event whole and valid: nothing interleaved
            JsonNode chunk = JSON.readTree(event);
            text.append(chunk.at("/choices/0/delta/content").asText(""));
        }
        if (leaveAfter == 0) {
            assertEquals("[DONE]", stream.events().get(stream.events().size() - 1));
        }
        return text.toString();
    }

    @Test
    void thirtyTwoStreamsEqualTheirSoloRunsAndLeaversFreeTheirSlots() throws Exception {
        List<String> expected = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            expected.add(alone(c));
        }
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<String>> all = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                all.add(pool.submit(() -> streamed(client, 0)));
            }
            for (int c = 0; c < CLIENTS; c++) {
                assertEquals(expected.get(c), all.get(c).get(), "client " + c);
            }

            List<Future<String>> half = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                half.add(pool.submit(() -> streamed(client, client % 2 == 1 ? 3 : 0)));
            }
            for (int c = 0; c < CLIENTS; c += 2) {
                assertEquals(expected.get(c), half.get(c).get(), "client " + c + " that stayed");
            }
            for (int c = 1; c < CLIENTS; c += 2) {
                half.get(c).get();
            }
        } finally {
            pool.shutdownNow();
        }
        OperationsTest.awaitTrue(() -> server.serving().engine().running() == 0
                && server.serving().engine().waiting() == 0, Duration.ofSeconds(60));
        assertTrue(!server.serving().engine().saturated());
        given().port(server.port()).get("/health").then().statusCode(200);
        given().port(server.port()).get("/ready").then().statusCode(200);
        assertEquals(expected.get(0), alone(0), "the server still answers correctly");
    }
}
