package dev.scion.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        ServerConfig c = ServerConfig.defaults();
        assertNull(c.model());
        assertEquals("127.0.0.1", c.host());
        assertEquals(8000, c.port());
        assertEquals("cpu", c.device());
        assertEquals("float32", c.dtype());
        assertEquals(8, c.maxBatch());
        assertEquals(0, c.maxModelLen());
        assertEquals(256, c.queueSize());
        assertEquals(Duration.ofSeconds(120), c.requestTimeout());
        assertEquals(8L * 1024 * 1024, c.maxBodyBytes());
        assertEquals(List.of(), c.apiKeys());
        assertNull(c.adminKey());
        assertNull(c.adapters());
        assertEquals(Duration.ofSeconds(30), c.shutdownGrace());
        assertEquals(8, c.maxLoras());
        assertEquals(512, c.prefillChunk());
        assertFalse(c.requiresApiKey());
        assertFalse(c.adminEnabled());
    }

    @Test
    void toBuilderKeepsEveryValue() {
        ServerConfig c = ServerConfig.builder().model(Path.of("/m")).host("0.0.0.0").port(0).device("auto")
                .dtype("float16").maxBatch(3).maxModelLen(100).queueSize(5).requestTimeout(Duration.ofSeconds(7))
                .maxBodyBytes(4096).apiKeys(List.of("a1", "b2")).adminKey("adm").adapters(Path.of("/a"))
                .shutdownGrace(Duration.ZERO).maxLoras(2).prefillChunk(64).build();
        assertEquals(c, c.toBuilder().build());
        assertEquals(9000, c.toBuilder().port(9000).build().port());
        assertTrue(c.requiresApiKey());
        assertTrue(c.adminEnabled());
    }

    @Test
    void deviceAndDtypeAreNormalisedAndHandedToTheEngine() {
        ServerConfig c = ServerConfig.builder().device(" GPU:1 ").dtype("BFloat16").maxModelLen(2048).build();
        assertEquals("gpu:1", c.device());
        assertEquals("bfloat16", c.dtype());
        assertEquals("gpu:1", c.runtimeOptions().device());
        assertEquals(2048, c.runtimeOptions().maxContext());
    }

    @Test
    void contextLengthCapsTheModelMaximumUnlessSet() {
        assertEquals(4096, ServerConfig.defaults().contextLength(32768));
        assertEquals(512, ServerConfig.defaults().contextLength(512));
        assertEquals(1000, ServerConfig.builder().maxModelLen(1000).build().contextLength(32768));
    }

    @Test
    void apiKeysAreCopiedImmutably() {
        List<String> keys = new ArrayList<>(List.of("k1"));
        ServerConfig c = ServerConfig.builder().apiKeys(keys).build();
        keys.add("k2");
        assertEquals(List.of("k1"), c.apiKeys());
        assertThrows(UnsupportedOperationException.class, () -> c.apiKeys().add("k3"));
    }

    @Test
    void toStringMasksEverySecret() {
        ServerConfig c = ServerConfig.builder().apiKeys(List.of("sk-secret-one", "sk-secret-two"))
                .adminKey("admin-secret").build();
        String s = c.toString();
        assertFalse(s.contains("secret"), s);
        assertTrue(s.contains("apiKeys=[****, ****]"), s);
        assertTrue(s.contains("adminKey=****"), s);
        assertTrue(s.contains("requestTimeout=2m"), s);
        assertTrue(s.contains("model=embedded"), s);
        assertTrue(ServerConfig.defaults().toString().contains("adminKey=none"));
    }

    @Test
    void everyInvalidValueIsRefusedNamingItsOption() {
        expectInvalid("--host must be a host name or address without spaces, got ''", b -> b.host(""));
        expectInvalid("--host must be a host name or address without spaces, got 'a b'", b -> b.host("a b"));
        expectInvalid("--host must be a host name or address without spaces, got 'null'", b -> b.host(null));
        expectInvalid("--host must be a host name or address without spaces, got ' x'", b -> b.host(" x"));
        expectInvalid("--port must be between 0 and 65535 (0 = any free port), got -1", b -> b.port(-1));
        expectInvalid("--port must be between 0 and 65535 (0 = any free port), got 65536", b -> b.port(65536));
        expectInvalid("--device must be cpu, gpu, gpu:N or auto, got 'tpu'", b -> b.device("tpu"));
        expectInvalid("--device must be cpu, gpu, gpu:N or auto", b -> b.device(null));
        expectInvalid("--dtype must be float32, float16 or bfloat16, got 'int8'", b -> b.dtype("int8"));
        expectInvalid("--dtype must be float32, float16 or bfloat16", b -> b.dtype(null));
        expectInvalid("--max-batch must be between 1 and 4096, got 0", b -> b.maxBatch(0));
        expectInvalid("--max-batch must be between 1 and 4096, got 4097", b -> b.maxBatch(4097));
        expectInvalid("--max-model-len must be between 0 and 1048576, got -1", b -> b.maxModelLen(-1));
        expectInvalid("--queue-size must be between 1 and 1048576, got 0", b -> b.queueSize(0));
        expectInvalid("--request-timeout must be a positive duration, got 0s", b -> b.requestTimeout(Duration.ZERO));
        expectInvalid("--request-timeout must be a positive duration, got PT-1S",
                b -> b.requestTimeout(Duration.ofSeconds(-1)));
        expectInvalid("--request-timeout must be a positive duration, got nothing", b -> b.requestTimeout(null));
        expectInvalid("--max-body must be between 1k and 1g bytes, got 1023", b -> b.maxBodyBytes(1023));
        expectInvalid("--max-body must be between 1k and 1g bytes, got 1073741825", b -> b.maxBodyBytes((1L << 30) + 1));
        expectInvalid("--shutdown-grace must be zero or a positive duration, got PT-0.001S",
                b -> b.shutdownGrace(Duration.ofMillis(-1)));
        expectInvalid("--shutdown-grace must be zero or a positive duration, got nothing", b -> b.shutdownGrace(null));
        expectInvalid("--max-loras must be between 1 and 4096, got 0", b -> b.maxLoras(0));
        expectInvalid("--prefill-chunk must be between 1 and 1048576, got 0", b -> b.prefillChunk(0));
    }

    @Test
    void malformedKeysAreRefusedWithoutEchoingThem() {
        expectInvalid("--api-key must not be empty (key #2)", b -> b.apiKeys(List.of("good", "")));
        expectInvalid("--api-key must not be empty (key #1)", b -> b.apiKeys(Arrays.asList((String) null)));
        expectInvalid("--api-key may contain only printable ASCII without spaces or commas (key #1)",
                b -> b.apiKeys(List.of("has space")));
        expectInvalid("--api-key may contain only printable ASCII without spaces or commas (key #1)",
                b -> b.apiKeys(List.of("a,b")));
        expectInvalid("--api-key may contain only printable ASCII without spaces or commas (key #1)",
                b -> b.apiKeys(List.of("clé")));
        expectInvalid("--api-key may contain only printable ASCII without spaces or commas (key #1)",
                b -> b.apiKeys(List.of("line\nbreak")));
        expectInvalid("--api-key must be at most 512 characters (key #1)", b -> b.apiKeys(List.of("x".repeat(513))));
        expectInvalid("--admin-key must not be empty (the key)", b -> b.adminKey(""));
        expectInvalid("--admin-key may contain only printable ASCII without spaces or commas (the key)",
                b -> b.adminKey("tab\tkey"));
        expectInvalid("--admin-key must differ from every --api-key, or every inference client could use the admin "
                + "endpoints", b -> b.apiKeys(List.of("shared")).adminKey("shared"));
        expectInvalid("--metrics-key may contain only printable ASCII without spaces or commas (the key)",
                b -> b.metricsKey("a b"));
        expectInvalid("--metrics-key must differ from --admin-key, or every scraper could use the admin endpoints",
                b -> b.adminKey("shared").metricsKey("shared"));
    }

    @Test
    void theAuditLogsBoundsAreChecked() {
        assertEquals(new AuditConfig(16L << 20, 3, Duration.ofSeconds(60)), ServerConfig.defaults().audit());
        expectInvalid("--audit-max-bytes must be between 1k and 1g bytes, got 1023", b -> b.auditMaxBytes(1023));
        expectInvalid("--audit-keep must be between 0 and 100, got -1", b -> b.auditKeep(-1));
        expectInvalid("--audit-refusal-interval must be between 10ms and 1 day, got 0s",
                b -> b.auditRefusalInterval(Duration.ZERO));
        ServerConfig c = ServerConfig.builder().metricsKey("scrape").auditKeep(0).build();
        assertEquals(c, c.toBuilder().build());
        assertFalse(c.toString().contains("scrape"), c.toString());
    }

    @Test
    void boundaryValuesAreAccepted() {
        ServerConfig c = ServerConfig.builder().port(65535).maxBatch(4096).maxBodyBytes(1024)
                .requestTimeout(Duration.ofMillis(1)).shutdownGrace(Duration.ZERO).apiKeys(List.of("x".repeat(512)))
                .build();
        assertEquals(65535, c.port());
        assertEquals(0, ServerConfig.builder().port(0).build().port());
    }

    private static void expectInvalid(String message, UnaryOperator<ServerConfig.Builder> change) {
        ConfigException e = assertThrows(ConfigException.class, () -> change.apply(ServerConfig.builder()).build());
        assertEquals(message, e.getMessage());
        assertTrue(message.startsWith("--" + e.option() + " "), "option() names the flag: " + e.option());
    }
}
