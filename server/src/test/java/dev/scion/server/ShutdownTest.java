package dev.scion.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Graceful shutdown: a stream already running finishes whole; new connections are refused. */
class ShutdownTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void runningStreamsFinishAndNewRequestsAreRefused() throws Exception {
        ScionServer server = TestServers.start(TestServers.config().shutdownGrace(Duration.ofSeconds(60)));
        int port = server.port();
        String body = "{\"model\":\"" + TestServers.modelId() + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"max_tokens\":60,\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        HttpResponse<InputStream> running = SseClient.open(port, "/v1/chat/completions", body);
        List<String> events = new ArrayList<>();
        CompletableFuture<Void> closing;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(running.body(), StandardCharsets.UTF_8))) {
            String first = reader.readLine(); // the stream is under way
            assertTrue(first.startsWith("data: "), first);
            closing = CompletableFuture.runAsync(server::close); // as SIGTERM's shutdown hook does
            OperationsTest.awaitTrue(() -> {
                try {
                    SseClient.open(port, "/health", "");
                    return false;
                } catch (ConnectException refused) {
                    return true;
                } catch (IOException | InterruptedException e) {
                    return true;
                }
            }, Duration.ofSeconds(30));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                }
            }
        }
        closing.get();
        assertEquals("[DONE]", events.get(events.size() - 1), "the running stream ended normally");
        String usage = events.get(events.size() - 2);
        assertEquals(60, JSON.readTree(usage).at("/usage/completion_tokens").asInt(), "no token was lost");
        assertThrows(ConnectException.class, () -> SseClient.open(port, "/health", ""));
    }
}
