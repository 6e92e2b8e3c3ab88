package dev.scion.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The trainer's options: their defaults, their three sources, and the rules that tie them to --adapters. */
class TrainingConfigTest {
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
        TrainingConfig t = ServerConfig.defaults().training();
        assertNull(t.dataDir());
        assertEquals(512L << 20, t.maxFileBytes());
        assertEquals(0.5, t.dutyCycle());
        assertNull(t.watch());
        assertEquals(100, t.triggerExamples());
        assertEquals(Duration.ofSeconds(10), t.watchInterval());
        assertEquals(10, t.watchCanaryPercent());
        assertEquals(Path.of("/a/.scion-data"), t.dataDir(Path.of("/a")), "inside the adapter store by default");
    }

    @Test
    void everyTrainingOptionReadsFromEachSource() throws Exception {
        ServerConfig expected = ServerConfig.builder().adapters(Path.of("/a")).dataDir(Path.of("/d"))
                .maxFileBytes(64L << 20).trainingDutyCycle(0.25).watch(Path.of("/w")).watchAdapter("bot")
                .triggerExamples(20).watchInterval(Duration.ofSeconds(2)).watchCanaryPercent(0).build();
        assertEquals(expected, parse(Map.of(), "--adapters", "/a", "--data-dir", "/d", "--max-file-bytes", "64m",
                "--training-duty-cycle", "0.25", "--watch", "/w", "--watch-adapter", "bot", "--trigger-examples", "20",
                "--watch-interval", "2s", "--watch-canary-percent", "0"));
        assertEquals(expected, parse(Map.of("SCION_ADAPTERS", "/a", "SCION_DATA_DIR", "/d",
                "SCION_MAX_FILE_BYTES", "64m", "SCION_TRAINING_DUTY_CYCLE", "0.25", "SCION_WATCH", "/w",
                "SCION_WATCH_ADAPTER", "bot", "SCION_TRIGGER_EXAMPLES", "20", "SCION_WATCH_INTERVAL", "2s",
                "SCION_WATCH_CANARY_PERCENT", "0")));
        Path yaml = Files.writeString(dir.resolve("scion.yaml"), """
                adapters: /a
                data-dir: /d
                max-file-bytes: 64m
                training-duty-cycle: 0.25
                watch: /w
                watch-adapter: bot
                trigger-examples: 20
                watch-interval: 2s
                watch-canary-percent: 0
                """);
        assertEquals(expected, parse(Map.of(), "--config", yaml.toString()));
    }

    @Test
    void impossibleValuesAreRefusedNamingTheOption() {
        ServerConfig.Builder b = ServerConfig.builder().adapters(dir.resolve("store"));
        assertEquals("training-duty-cycle", refused(b.trainingDutyCycle(0)).option());
        assertEquals("training-duty-cycle", refused(b.trainingDutyCycle(1.01)).option());
        b.trainingDutyCycle(0.5);
        assertEquals("max-file-bytes", refused(b.maxFileBytes(10)).option());
        b.maxFileBytes(1 << 20);
        assertEquals("watch-adapter", refused(b.watch(dir.resolve("in"))).option(), "--watch needs an adapter");
        assertEquals("watch-adapter", refused(b.watchAdapter("../x")).option());
        assertEquals("trigger-examples", refused(b.watchAdapter("bot").triggerExamples(0)).option());
        assertEquals("watch-interval", refused(b.triggerExamples(5).watchInterval(Duration.ofMillis(1))).option());
        assertEquals("watch-canary-percent", refused(b.watchInterval(Duration.ofSeconds(1)).watchCanaryPercent(100))
                .option());
        b.watchCanaryPercent(10);
        assertEquals("watch", refused(b.watch(dir.resolve("store").resolve("inbox"))).option(),
                "a watched folder inside the store would read the server's own files");
        assertEquals("watch", refused(b.watch(dir)).option(), "nor around it");
        assertEquals(dir.resolve("in"), b.watch(dir.resolve("in")).build().training().watch());
        ConfigException noStore = refused(ServerConfig.builder().dataDir(dir));
        assertEquals("data-dir", noStore.option());
        assertTrue(noStore.getMessage().contains("--adapters"), noStore.getMessage());
        assertEquals("watch", refused(ServerConfig.builder().watch(dir).watchAdapter("bot")).option());
    }

    @Test
    void aBadValueNamesWhereItCameFrom() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> parse(Map.of("SCION_TRAINING_DUTY_CYCLE", "half")));
        assertTrue(e.getMessage().contains("SCION_TRAINING_DUTY_CYCLE"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> parse(Map.of(), "--training-duty-cycle", "2"));
        assertTrue(e.getMessage().contains("--training-duty-cycle"), e.getMessage());
    }
}
