package dev.scion.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The HTTP layer's limits: their defaults, their three sources, and what each refuses. */
class HttpLimitsTest {
    @TempDir
    Path dir;

    private static ServerConfig parse(Map<String, String> env, String... args) {
        ServeOptionsTest.Serve serve = new ServeOptionsTest.Serve();
        new CommandLine(serve).parseArgs(args);
        return serve.options.resolve(env);
    }

    private static ConfigException refused(ServerConfig.Builder b) {
        return assertThrows(ConfigException.class, b::build);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        HttpLimits h = ServerConfig.defaults().http();
        assertEquals(Duration.ofSeconds(60), h.idleTimeout());
        assertEquals(Duration.ofSeconds(10), h.headerTimeout());
        assertEquals(Duration.ofSeconds(30), h.bodyTimeout());
        assertEquals(Duration.ofMinutes(15), h.uploadTimeout());
        assertEquals(1024, h.maxConnections());
        assertEquals(64L << 20, h.maxBufferedBody());
        assertFalse(h.http2(), "h2c is off unless asked for");
        assertEquals(16, h.http2MaxStreams());
        assertEquals(HttpLimits.defaults(), h);
    }

    @Test
    void everyHttpOptionReadsFromEachSource() throws Exception {
        ServerConfig expected = ServerConfig.builder().idleTimeout(Duration.ofSeconds(5))
                .headerTimeout(Duration.ofMillis(1500)).bodyTimeout(Duration.ofSeconds(7))
                .uploadTimeout(Duration.ofHours(1)).maxConnections(10).maxBufferedBody(16L << 20).http2(true)
                .http2MaxStreams(4).build();
        assertEquals(expected, parse(Map.of(), "--idle-timeout", "5s", "--header-timeout", "1500ms",
                "--body-timeout", "7s", "--upload-timeout", "1h", "--max-connections", "10",
                "--max-buffered-body", "16m", "--http2", "--http2-max-streams", "4"));
        assertEquals(expected, parse(Map.of("SCION_IDLE_TIMEOUT", "5s", "SCION_HEADER_TIMEOUT", "1500ms",
                "SCION_BODY_TIMEOUT", "7s", "SCION_UPLOAD_TIMEOUT", "1h", "SCION_MAX_CONNECTIONS", "10",
                "SCION_MAX_BUFFERED_BODY", "16m", "SCION_HTTP2", "true", "SCION_HTTP2_MAX_STREAMS", "4")));
        Path yaml = Files.writeString(dir.resolve("scion.yaml"), """
                idle-timeout: 5s
                header-timeout: 1500ms
                body-timeout: 7s
                upload-timeout: 1h
                max-connections: 10
                max-buffered-body: 16m
                http2: true
                http2-max-streams: 4
                """);
        assertEquals(expected, parse(Map.of(), "--config", yaml.toString()));
    }

    @Test
    void http2TakesAnExplicitValueToo() {
        assertTrue(parse(Map.of(), "--http2=true").http().http2());
        assertFalse(parse(Map.of("SCION_HTTP2", "true"), "--http2=false").http().http2(), "the flag wins");
        assertFalse(parse(Map.of("SCION_HTTP2", "FALSE")).http().http2());
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of("SCION_HTTP2", "yes please")));
        assertEquals("SCION_HTTP2: 'yes please' is not true or false", e.getMessage());
    }

    @Test
    void aYamlHttp2ThatIsNotABooleanIsRefused() throws Exception {
        Path yaml = Files.writeString(dir.resolve("scion.yaml"), "http2: \"on\"\n");
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of(), "--config", yaml.toString()));
        assertTrue(e.getMessage().contains("key 'http2': expected true or false, got a string"), e.getMessage());
    }

    @Test
    void impossibleValuesAreRefusedNamingTheOption() {
        ServerConfig.Builder b = ServerConfig.builder();
        assertEquals("--idle-timeout must be between 10ms and 1 day, got 0s",
                refused(b.idleTimeout(Duration.ZERO)).getMessage());
        b.idleTimeout(Duration.ofSeconds(1));
        assertEquals("header-timeout", refused(b.headerTimeout(Duration.ofMillis(5))).option());
        b.headerTimeout(Duration.ofSeconds(1));
        assertEquals("body-timeout", refused(b.bodyTimeout(null)).option());
        b.bodyTimeout(Duration.ofSeconds(1));
        assertEquals("upload-timeout", refused(b.uploadTimeout(Duration.ofDays(2))).option());
        b.uploadTimeout(Duration.ofSeconds(1));
        assertEquals("--max-connections must be between 1 and 1000000, got 0",
                refused(b.maxConnections(0)).getMessage());
        b.maxConnections(1);
        assertEquals("http2-max-streams", refused(b.http2MaxStreams(0)).option());
        b.http2MaxStreams(1);
        assertEquals("max-buffered-body", refused(b.maxBufferedBody(100)).option());
        ConfigException belowMaxBody = refused(b.maxBufferedBody(1 << 20).maxBodyBytes(2 << 20));
        assertEquals("max-buffered-body", belowMaxBody.option());
        assertTrue(belowMaxBody.getMessage().contains("at least --max-body (2097152 bytes)"), belowMaxBody.getMessage());
        assertEquals(2 << 20, b.maxBufferedBody(2 << 20).build().http().maxBufferedBody(), "equal is enough");
    }

    @Test
    void aBadValueNamesWhereItCameFrom() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(Map.of("SCION_MAX_BUFFERED_BODY", "1k")));
        assertEquals("--max-buffered-body must be at least --max-body (8388608 bytes), or a body of the largest "
                + "allowed size could never be read; got 1024 (set by SCION_MAX_BUFFERED_BODY)", e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse(Map.of(), "--idle-timeout", "60"));
        assertTrue(e.getMessage().startsWith("--idle-timeout: '60' is not a duration"), e.getMessage());
    }

    @Test
    void toStringShowsTheLimits() {
        assertTrue(ServerConfig.defaults().toString().contains("http=HttpLimits[idleTimeout=1m, headerTimeout=10s, "
                + "bodyTimeout=30s, uploadTimeout=15m, maxConnections=1024, maxBufferedBody=67108864, http2=false, "
                + "http2MaxStreams=16]"), ServerConfig.defaults().toString());
    }
}
