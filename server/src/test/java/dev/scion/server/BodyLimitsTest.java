package dev.scion.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.server.contract.OpenApiContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Request bodies cannot pin the server: a body must arrive within --body-timeout (uploads: --upload-timeout), all
 * bodies together hold at most --max-buffered-body bytes (503 with Retry-After beyond), a declared length over
 * --max-body is refused before a byte of it is read, and uploads that are not multipart (which would be buffered in
 * memory) are refused before they are read.
 */
class BodyLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "body-admin";
    static final Duration BODY_TIMEOUT = Duration.ofMillis(1500);
    static final long MAX_BODY = 64 << 10;
    static ScionServer server;
    /** The same bounds with the default body timeout, so that held bodies stay held while the test looks. */
    static ScionServer budget;
    static Path store;

    @BeforeAll
    static void start() throws IOException {
        store = Files.createTempDirectory("scion-body-limits");
        server = TestServers.start(TestServers.config().bodyTimeout(BODY_TIMEOUT).uploadTimeout(BODY_TIMEOUT)
                .maxBodyBytes(MAX_BODY).maxBufferedBody(MAX_BODY).adapters(store.resolve("adapters")).adminKey(ADMIN));
        budget = TestServers.start(TestServers.config().maxBodyBytes(MAX_BODY).maxBufferedBody(MAX_BODY));
    }

    @AfterAll
    static void stop() {
        server.close();
        budget.close();
    }

    static String detokenize(int padTo) {
        String json = "{\"model\":\"" + TestServers.modelId() + "\",\"tokens\":[1,2,3]}";
        return json + " ".repeat(Math.max(0, padTo - json.length())); // whitespace after JSON is still JSON
    }

    @Test
    void aBodyThatStallsIsAnswered408AfterTheDeadlineAndTheConnectionClosed() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            long start = System.nanoTime();
            client.send(RawHttp.post("/v1/chat/completions", 1000) + "{\"model\":"); // and nothing more
            RawHttp.Response r = client.read();
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(408, r.status(), r.body());
            assertEquals("close", r.header("Connection"));
            JsonNode error = JSON.readTree(r.body()).get("error");
            assertTrue(error.get("message").asText().contains("--body-timeout"), r.body());
            OpenApiContract.assertValid("POST", "/v1/chat/completions", 408, "application/json", r.body());
            assertTrue(elapsedMs >= BODY_TIMEOUT.toMillis() - 50, "answered at the deadline, after " + elapsedMs);
            client.awaitClosed();
        }
    }

    @Test
    void aChunkedBodyThatNeverEndsIsCutToo() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            client.send("POST /tokenize HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n9\r\n{\"model\":\r\n"); // no last chunk, ever
            RawHttp.Response r = client.read();
            assertEquals(408, r.status(), r.body());
            client.awaitClosed();
        }
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsSent() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            RawHttp.Response r = client.send(RawHttp.post("/v1/chat/completions", 100L << 20)).read();
            assertEquals(413, r.status(), r.body());
            assertTrue(r.body().contains("--max-body"), r.body());
            client.awaitClosed();
        }
    }

    @Test
    void bodiesBeyondTheBufferedBoundAre503WithRetryAfterUntilTheyAreFreed() throws Exception {
        int held = (int) MAX_BODY - 1000;
        try (RawHttp holder = new RawHttp(budget.port())) {
            holder.send(RawHttp.post("/detokenize", held) + "{\"model\":"); // declared, not yet sent
            awaitBuffered(held);
            RawHttp.Response refused;
            try (RawHttp second = new RawHttp(budget.port())) {
                String body = detokenize(2000);
                refused = second.send(RawHttp.post("/detokenize", body.length()) + body).read();
            }
            assertEquals(503, refused.status(), refused.body());
            assertEquals("1", refused.header("Retry-After"));
            assertTrue(refused.body().contains("--max-buffered-body"), refused.body());
            OpenApiContract.assertValid("POST", "/detokenize", 503, "application/json", refused.body());
        }
        // the holder left: its bytes are free again
        awaitBuffered(0);
        given().port(budget.port()).contentType("application/json").body(detokenize(2000)).post("/detokenize")
                .then().statusCode(200);
    }

    @Test
    void aChunkedBodyCountsAsItArrives() throws Exception {
        try (RawHttp holder = new RawHttp(budget.port())) {
            String chunk = " ".repeat(30_000);
            holder.send("POST /detokenize HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n"
                    + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
            awaitBuffered(60_000);
            String body = detokenize(10_000);
            RawHttp.Response refused;
            try (RawHttp second = new RawHttp(budget.port())) {
                refused = second.send(RawHttp.post("/detokenize", body.length()) + body).read();
            }
            assertEquals(503, refused.status(), refused.body());
            // the holder's next chunk no longer fits either: it is refused the same way, and closed
            holder.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
            RawHttp.Response own = holder.read();
            assertNotEquals(200, own.status());
            holder.awaitClosed();
        }
        awaitBuffered(0);
    }

    @Test
    void anUploadThatIsNotMultipartIsRefusedBeforeItIsRead() throws Exception {
        for (String path : new String[] {"/v1/files", "/v1/adapters"}) {
            try (RawHttp client = new RawHttp(server.port())) {
                RawHttp.Response r = client.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + ADMIN + "\r\nContent-Type: application/json\r\nContent-Length: " + (100L << 20) + "\r\n\r\n")
                        .read();
                assertEquals(400, r.status(), path + ": " + r.body());
                assertTrue(r.body().contains("multipart/form-data"), r.body());
                OpenApiContract.assertValid("POST", path, 400, "application/json", r.body());
                client.awaitClosed();
            }
        }
    }

    @Test
    void anUploadThatStallsIsCutAfterTheUploadTimeout() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            client.send("POST /v1/adapters HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ADMIN + "\r\n"
                    + "Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 100000\r\n\r\n"
                    + "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nslow\r\n--XyZ\r\n"
                    + "Content-Disposition: form-data; name=\"adapter_model.safetensors\"; filename=\"w\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n0123456789"); // and then nothing
            RawHttp.Response r = client.read();
            assertEquals(408, r.status(), r.body());
            assertTrue(r.body().contains("--upload-timeout"), r.body());
            client.awaitClosed();
        }
    }

    private static void awaitBuffered(long atLeastOrZero) throws InterruptedException {
        long[] last = {-1};
        try {
            OperationsTest.awaitTrue(() -> {
                last[0] = buffered();
                return atLeastOrZero == 0 ? last[0] == 0 : last[0] >= atLeastOrZero;
            }, Duration.ofSeconds(10));
        } catch (AssertionError e) {
            throw new AssertionError("buffered body bytes stayed at " + last[0] + ", expected "
                    + (atLeastOrZero == 0 ? "0" : "at least " + atLeastOrZero), e);
        }
    }

    private static long buffered() {
        String metrics = given().port(budget.port()).get("/metrics").asString();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("scion_http_buffered_body_bytes ")) {
                return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1));
            }
        }
        throw new AssertionError("no scion_http_buffered_body_bytes in /metrics");
    }
}
