package dev.scion.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a connection may hold without a request: its first request's headers must arrive within --header-timeout, a
 * connection with no request in progress is closed after --idle-timeout (but a request in progress is never cut by
 * it), and connections beyond --max-connections are closed at once.
 */
class ConnectionLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration HEADER_TIMEOUT = Duration.ofMillis(400);
    static final Duration IDLE_TIMEOUT = Duration.ofMillis(150);
    static ScionServer timeouts;
    static ScionServer capped;

    @BeforeAll
    static void start() {
        timeouts = TestServers.start(TestServers.config().headerTimeout(HEADER_TIMEOUT).idleTimeout(IDLE_TIMEOUT));
        capped = TestServers.start(TestServers.config().maxConnections(2));
    }

    @AfterAll
    static void stop() {
        timeouts.close();
        capped.close();
    }

    @Test
    void aConnectionThatNeverFinishesItsHeadersIsClosed() throws Exception {
        try (RawHttp slowloris = new RawHttp(timeouts.port())) {
            long start = System.nanoTime();
            slowloris.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "); // and never the rest
            slowloris.awaitClosed();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMs >= HEADER_TIMEOUT.toMillis() - 50, "closed by the header deadline, after " + elapsedMs);
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosed() throws Exception {
        try (RawHttp silent = new RawHttp(timeouts.port())) {
            silent.awaitClosed();
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (RawHttp client = new RawHttp(timeouts.port())) {
            RawHttp.Response first = client.send(RawHttp.get("/health")).read();
            assertEquals(200, first.status());
            long answered = System.nanoTime();
            client.awaitClosed();
            long idleMs = (System.nanoTime() - answered) / 1_000_000;
            assertTrue(idleMs >= IDLE_TIMEOUT.toMillis() - 50, "closed by the idle timer, after " + idleMs + " ms");
        }
    }

    @Test
    void aRequestInProgressLongerThanTheIdleTimeoutIsAnswered() throws Exception {
        String body = "{\"model\":\"" + TestServers.modelId() + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"max_tokens\":60,\"temperature\":0}";
        try (RawHttp client = new RawHttp(timeouts.port())) {
            long start = System.nanoTime();
            RawHttp.Response r = client.send(RawHttp.post("/v1/chat/completions", body.length()) + body).read();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, r.status(), r.body());
            assertEquals(60, JSON.readTree(r.body()).at("/usage/completion_tokens").asInt());
            // the answer took longer than the idle timeout without a byte on the wire: the connection was not idle
            assertTrue(elapsedMs > IDLE_TIMEOUT.toMillis(), "the request must outlast the idle timeout: " + elapsedMs);
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtOnce() throws Exception {
        try (RawHttp first = new RawHttp(capped.port()); RawHttp second = new RawHttp(capped.port())) {
            // both are accepted and kept alive
            assertEquals(200, first.send(RawHttp.get("/health")).read().status());
            assertEquals(200, second.send(RawHttp.get("/health")).read().status());
            try (RawHttp third = new RawHttp(capped.port())) {
                assertEquals(0, third.readSome(64).length, "the third connection is closed without a word");
            }
            assertEquals(200, first.send(RawHttp.get("/health")).read().status(), "the first two still work");
            first.close();
            // once one closes, its place is free again (the close reaches the server asynchronously)
            OperationsTest.awaitTrue(ConnectionLimitsTest::healthAnswers, Duration.ofSeconds(10));
        }
    }

    private static boolean healthAnswers() {
        try (RawHttp client = new RawHttp(capped.port())) {
            return client.send(RawHttp.get("/health")).read().status() == 200;
        } catch (IOException closed) {
            return false;
        }
    }
}
