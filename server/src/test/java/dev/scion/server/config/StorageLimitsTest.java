package dev.scion.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The disk bounds of uploads and publishes: their defaults, their three sources, and what each refuses. */
class StorageLimitsTest {
    @TempDir
    Path dir;

    private static ServerConfig parse(Map<String, String> env, String... args) {
        ServeOptionsTest.Serve serve = new ServeOptionsTest.Serve();
        new CommandLine(serve).parseArgs(args);
        return serve.options.resolve(env);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        StorageLimits s = ServerConfig.defaults().storage();
        assertEquals(256L << 20, s.minFreeDisk());
        assertEquals(100L << 30, s.filesQuota(), "OpenAI's limit for an organization's files");
        assertEquals(StorageLimits.defaults(), s);
    }

    @Test
    void everyStorageOptionReadsFromEachSource() throws Exception {
        ServerConfig expected = ServerConfig.builder().minFreeDisk(0).filesQuota(5L << 30).build();
        assertEquals(expected, parse(Map.of(), "--min-free-disk", "0", "--files-quota", "5g"));
        assertEquals(expected, parse(Map.of("SCION_MIN_FREE_DISK", "0", "SCION_FILES_QUOTA", "5g")));
        Path yaml = Files.writeString(dir.resolve("scion.yaml"), "min-free-disk: 0\nfiles-quota: 5g\n");
        assertEquals(expected, parse(Map.of(), "--config", yaml.toString()));
    }

    @Test
    void impossibleValuesAreRefusedNamingTheOption() {
        ConfigException negative = assertThrows(ConfigException.class,
                () -> ServerConfig.builder().minFreeDisk(-1).build());
        assertEquals("--min-free-disk must be 0 or more bytes, got -1", negative.getMessage());
        ConfigException tiny = assertThrows(ConfigException.class, () -> parse(Map.of("SCION_FILES_QUOTA", "100")));
        assertEquals("--files-quota must be at least 1k, got 100 (set by SCION_FILES_QUOTA)", tiny.getMessage());
    }
}
