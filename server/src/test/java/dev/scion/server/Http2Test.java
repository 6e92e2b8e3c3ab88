package dev.scion.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 over cleartext is off by default: an h2c upgrade is answered in HTTP/1.1 and a prior-knowledge preface
 * gets no HTTP/2 at all. With --http2 both work, and the server announces --http2-max-streams.
 */
class Http2Test {
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    static final int SETTINGS = 0x4;
    static final int MAX_CONCURRENT_STREAMS = 0x3;
    static ScionServer plain;
    static ScionServer h2;

    @BeforeAll
    static void start() {
        plain = TestServers.start(TestServers.config());
        h2 = TestServers.start(TestServers.config().http2(true).http2MaxStreams(3).headerTimeout(Duration.ofMillis(500)));
    }

    @AfterAll
    static void stop() {
        plain.close();
        h2.close();
    }

    /** Java's client asks for h2c with an Upgrade header on http:// URLs, and falls back to what the server speaks. */
    private static HttpResponse<String> upgradeAttempt(int port) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anUpgradeToH2cIsAnsweredInHttp11ByDefault() throws Exception {
        HttpResponse<String> r = upgradeAttempt(plain.port());
        assertEquals(200, r.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, r.version());
    }

    @Test
    void aPriorKnowledgePrefaceGetsNoHttp2ByDefault() throws Exception {
        try (RawHttp client = new RawHttp(plain.port())) {
            byte[] answer = client.send(concat(PREFACE, EMPTY_SETTINGS)).readSome(64);
            // an HTTP/2 server's first frame would be SETTINGS (binary); this one refuses in HTTP/1 text (Vert.x
            // answers the PRI method 501) or just closes
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            assertTrue(answer.length == 0 || text.matches("(?s)HTTP/[0-9.]+ [45]\\d\\d .*"), "answered: " + text);
            client.awaitClosed();
        }
    }

    @Test
    void withHttp2AnUpgradeSwitchesToHttp2() throws Exception {
        HttpResponse<String> r = upgradeAttempt(h2.port());
        assertEquals(200, r.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
        assertTrue(r.body().contains("ok"), r.body());
    }

    @Test
    void withHttp2PriorKnowledgeWorksAndTheStreamLimitIsAnnounced() throws Exception {
        try (RawHttp client = new RawHttp(h2.port())) {
            byte[] frame = client.send(concat(PREFACE, EMPTY_SETTINGS)).readSome(256);
            assertTrue(frame.length >= 9, "a frame header");
            ByteBuffer b = ByteBuffer.wrap(frame);
            int length = (b.get() & 0xff) << 16 | (b.get() & 0xff) << 8 | (b.get() & 0xff);
            assertEquals(SETTINGS, b.get() & 0xff, "the server's first frame is SETTINGS");
            b.get(); // flags
            b.getInt(); // stream 0
            Long maxStreams = null;
            for (int i = 0; i + 6 <= length && b.remaining() >= 6; i += 6) {
                int id = b.getShort() & 0xffff;
                long value = b.getInt() & 0xffffffffL;
                if (id == MAX_CONCURRENT_STREAMS) {
                    maxStreams = value;
                }
            }
            assertEquals(3L, maxStreams, "SETTINGS_MAX_CONCURRENT_STREAMS is --http2-max-streams");
            // and a connection that opens no stream is closed by the header deadline like any other
            client.awaitClosed();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
