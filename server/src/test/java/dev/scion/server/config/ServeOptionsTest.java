package dev.scion.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ServeOptionsTest {
    @TempDir
    Path dir;

    @Command(name = "serve")
    static final class Serve {
        @Mixin
        ServeOptions options = new ServeOptions();
    }

    private static ServeOptions parse(String... args) {
        Serve serve = new Serve();
        new CommandLine(serve).parseArgs(args);
        return serve.options;
    }

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("scion.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void nothingSetGivesTheDefaults() {
        assertEquals(ServerConfig.defaults(), parse().resolve(Map.of()));
    }

    @Test
    void everyOptionReadsFromTheYamlFile() throws IOException {
        Path file = yaml("""
                # every option, each in its YAML form
                model: /models/qwen
                host: 0.0.0.0
                port: 9000
                device: auto
                dtype: float16
                max-batch: 16
                max-model-len: 2048
                queue-size: 64
                request-timeout: 45s
                max-body: 2m
                api-key:
                  - key-one
                  - key-two
                admin-key: admin-1
                adapters: /adapters
                shutdown-grace: PT10S
                max-loras: 4
                prefill-chunk: 256
                """);
        ServerConfig c = parse("--config", file.toString()).resolve(Map.of());
        assertEquals(ServerConfig.builder().model(Path.of("/models/qwen")).host("0.0.0.0").port(9000).device("auto")
                .dtype("float16").maxBatch(16).maxModelLen(2048).queueSize(64).requestTimeout(Duration.ofSeconds(45))
                .maxBodyBytes(2L << 20).apiKeys(List.of("key-one", "key-two")).adminKey("admin-1")
                .adapters(Path.of("/adapters")).shutdownGrace(Duration.ofSeconds(10)).maxLoras(4).prefillChunk(256)
                .build(), c);
    }

    @Test
    void everyOptionReadsFromTheEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("SCION_MODEL", "/models/llama");
        env.put("SCION_HOST", "::1");
        env.put("SCION_PORT", "0");
        env.put("SCION_DEVICE", "gpu:0");
        env.put("SCION_DTYPE", "bfloat16");
        env.put("SCION_MAX_BATCH", "2");
        env.put("SCION_MAX_MODEL_LEN", "1024");
        env.put("SCION_QUEUE_SIZE", "3");
        env.put("SCION_REQUEST_TIMEOUT", "2m");
        env.put("SCION_MAX_BODY", "64k");
        env.put("SCION_API_KEY", "a1, b2,,c3");
        env.put("SCION_ADMIN_KEY", "adm");
        env.put("SCION_ADAPTERS", "/srv/adapters");
        env.put("SCION_SHUTDOWN_GRACE", "0s");
        env.put("SCION_MAX_LORAS", "1");
        env.put("SCION_PREFILL_CHUNK", "32");
        env.put("SCION_HOME", "/unrelated/variables/are/ignored");
        assertEquals(ServerConfig.builder().model(Path.of("/models/llama")).host("::1").port(0).device("gpu:0")
                .dtype("bfloat16").maxBatch(2).maxModelLen(1024).queueSize(3).requestTimeout(Duration.ofMinutes(2))
                .maxBodyBytes(64L << 10).apiKeys(List.of("a1", "b2", "c3")).adminKey("adm")
                .adapters(Path.of("/srv/adapters")).shutdownGrace(Duration.ZERO).maxLoras(1).prefillChunk(32)
                .build(), parse().resolve(env));
    }

    @Test
    void everyOptionReadsFromTheCommandLine() {
        ServerConfig c = parse("--model", "/m", "--host", "localhost", "--port", "1234", "--device", "cpu",
                "--dtype", "float32", "--max-batch", "5", "--max-model-len", "300", "--queue-size", "7",
                "--request-timeout", "1500ms", "--max-body", "1048576", "--api-key", "k1", "--api-key", "k2,k3",
                "--admin-key", "adm", "--adapters", "/a", "--shutdown-grace", "1h", "--max-loras", "2",
                "--prefill-chunk", "16").resolve(Map.of());
        assertEquals(ServerConfig.builder().model(Path.of("/m")).host("localhost").port(1234).maxBatch(5)
                .maxModelLen(300).queueSize(7).requestTimeout(Duration.ofMillis(1500)).maxBodyBytes(1 << 20)
                .apiKeys(List.of("k1", "k2", "k3")).adminKey("adm").adapters(Path.of("/a"))
                .shutdownGrace(Duration.ofHours(1)).maxLoras(2).prefillChunk(16).build(), c);
    }

    @Test
    void commandLineBeatsEnvironmentBeatsFileBeatsDefault() throws IOException {
        Path file = yaml("port: 9000\nmax-batch: 16\nqueue-size: 10\nhost: 10.0.0.1\n");
        Map<String, String> env = Map.of("SCION_PORT", "9001", "SCION_MAX_BATCH", "12",
                "SCION_CONFIG", file.toString());
        ServerConfig c = parse("--port", "9002").resolve(env);
        assertEquals(9002, c.port(), "command line over environment and file");
        assertEquals(12, c.maxBatch(), "environment over file");
        assertEquals(10, c.queueSize(), "file over default");
        assertEquals("10.0.0.1", c.host(), "file over default");
        assertEquals(512, c.prefillChunk(), "default when no source sets it");
    }

    @Test
    void keysFromAHigherSourceReplaceRatherThanMerge() throws IOException {
        Path file = yaml("api-key: [file-key]\n");
        ServerConfig fromEnv = parse("--config", file.toString()).resolve(Map.of("SCION_API_KEY", "env-key"));
        assertEquals(List.of("env-key"), fromEnv.apiKeys());
        ServerConfig fromFlag = parse("--config", file.toString(), "--api-key", "cli-key")
                .resolve(Map.of("SCION_API_KEY", "env-key"));
        assertEquals(List.of("cli-key"), fromFlag.apiKeys());
        assertEquals(List.of("one"), parse("--config", yaml("api-key: one\n").toString()).resolve(Map.of()).apiKeys());
    }

    @Test
    void configFlagBeatsConfigVariable() throws IOException {
        Path other = dir.resolve("other.yaml");
        Files.writeString(other, "port: 7001\n");
        Path file = yaml("port: 7002\n");
        assertEquals(7002, parse("--config", file.toString()).resolve(Map.of("SCION_CONFIG", other.toString())).port());
        assertEquals(7001, parse().resolve(Map.of("SCION_CONFIG", other.toString())).port());
    }

    @Test
    void blankEnvironmentValuesAndYamlNullsCountAsUnset() throws IOException {
        Path file = yaml("port: 9000\nmodel:\nadmin-key: null\n");
        ServerConfig c = parse().resolve(Map.of("SCION_CONFIG", file.toString(), "SCION_PORT", "",
                "SCION_ADMIN_KEY", " "));
        assertEquals(9000, c.port());
        assertNull(c.model());
        assertNull(c.adminKey());
        assertEquals(ServerConfig.defaults(), parse("--config", yaml("").toString()).resolve(Map.of()));
        assertEquals(ServerConfig.defaults(), parse("--config", yaml("# only a comment\n").toString()).resolve(Map.of()));
    }

    @Test
    void validationErrorsSayWhichSourceSetTheValue() throws IOException {
        Path file = yaml("port: 1\nmax-batch: 0\n");
        assertEquals("--max-batch must be between 1 and 4096, got 0 (set by max-batch: in " + file + " line 2)",
                error(parse("--config", file.toString()), Map.of()));
        assertEquals("--max-batch must be between 1 and 4096, got 0 (set by SCION_MAX_BATCH)",
                error(parse(), Map.of("SCION_MAX_BATCH", "0")));
        assertEquals("--max-batch must be between 1 and 4096, got 0 (set by --max-batch)",
                error(parse("--max-batch", "0"), Map.of("SCION_MAX_BATCH", "4")));
        assertEquals("--admin-key must differ from every --api-key, or every inference client could use the admin "
                + "endpoints (set by SCION_ADMIN_KEY)",
                error(parse("--api-key", "same"), Map.of("SCION_ADMIN_KEY", "same")));
    }

    @Test
    void unparsableTextNamesTheVariableOrFlag() {
        assertEquals("SCION_PORT: 'http' is not a whole number", error(parse(), Map.of("SCION_PORT", "http")));
        assertEquals("SCION_REQUEST_TIMEOUT: '60' is not a duration (write e.g. 500ms, 60s, 2m, 1h or PT30S)",
                error(parse(), Map.of("SCION_REQUEST_TIMEOUT", "60")));
        assertEquals("--max-body: '8 megs' is not a size in bytes (write e.g. 1048576, 512k, 8m or 1g)",
                error(parse("--max-body", "8 megs"), Map.of()));
        assertEquals("--shutdown-grace: 'soon' is not a duration (write e.g. 500ms, 60s, 2m, 1h or PT30S)",
                error(parse("--shutdown-grace", "soon"), Map.of()));
    }

    @Test
    void aMistypedNumberFlagIsReadAsTheVariableWouldBe() {
        assertEquals("--port: 'eighty' is not a whole number", error(parse("--port", "eighty"), Map.of()));
        assertEquals("--http2: 'yes' is not true or false", error(parse("--http2=yes"), Map.of()));
        assertEquals(8001, parse("--port", " 8001 ").resolve(Map.of()).port(), "spaces are stripped, as in SCION_PORT");
    }

    @Test
    void aScalarFlagGivenTwiceIsRefusedByPicocli() {
        CommandLine.ParameterException e = assertThrows(CommandLine.ParameterException.class,
                () -> parse("--port", "1", "--port", "2"));
        assertTrue(e.getMessage().contains("--port"), e.getMessage());
    }

    @Test
    void unknownYamlKeysAreRefusedWithTheFileLineAndAHint() throws IOException {
        Path file = yaml("port: 9000\nmax_batch: 4\n");
        assertEquals("config file " + file + " line 2: unknown key 'max_batch' (did you mean 'max-batch'?); known keys: "
                + String.join(", ", ServeSettings.allKeys()), error(parse("--config", file.toString()), Map.of()));
        assertTrue(error(parse("--config", yaml("maxModelLen: 4\n").toString()), Map.of())
                .contains("unknown key 'maxModelLen' (did you mean 'max-model-len'?)"));
        assertTrue(error(parse("--config", yaml("colour: blue\n").toString()), Map.of())
                .contains(" line 1: unknown key 'colour'; known keys: model, host, port,"));
        assertTrue(error(parse("--config", yaml("config: other.yaml\n").toString()), Map.of())
                .contains("unknown key 'config' (a config file cannot name another config file)"));
    }

    @Test
    void wrongYamlTypesNameTheKeyFileAndLine() throws IOException {
        expectYamlError("host: x\nport: \"9000\"\n", "line 2: key 'port': expected a whole number, got a string");
        expectYamlError("port: 80.5\n", "line 1: key 'port': expected a whole number, got a number with a fraction");
        expectYamlError("port: 99999999999\n", "line 1: key 'port': expected a whole number, got a whole number");
        expectYamlError("port: [1]\n", "line 1: key 'port': expected a whole number, got a list");
        expectYamlError("\n\nhost: {a: 1}\n", "line 3: key 'host': expected a string, got a mapping");
        expectYamlError("host: 10\n",
                "line 1: key 'host': expected a string, got a whole number (put the value in quotes if it is meant as text)");
        expectYamlError("request-timeout: 60\n",
                "line 1: key 'request-timeout': expected a duration such as 60s, 2m or PT30S, got a whole number");
        expectYamlError("request-timeout: sixty\n", "line 1: key 'request-timeout': 'sixty' is not a duration");
        expectYamlError("max-body: true\n", "line 1: key 'max-body': expected a size such as 8m or 1048576, got a boolean");
        expectYamlError("api-key: {k: v}\n", "line 1: key 'api-key': expected a list of strings, got a mapping");
        expectYamlError("api-key: [good, 42]\n", "line 1: key 'api-key': item 2: expected a string, got a whole number");
        expectYamlError("model: 5\n", "line 1: key 'model': expected a path, got a whole number");
        expectYamlError("port: 1\nport: 2\n", "line 2: key 'port' appears twice");
        assertEquals(1048576L, parse("--config", yaml("max-body: 1048576\n").toString()).resolve(Map.of()).maxBodyBytes());
    }

    @Test
    void yamlTypeErrorsNeverEchoKeys() throws IOException {
        Path file = yaml("admin-key: 123456789\napi-key: [987654321]\n");
        String message = error(parse("--config", file.toString()), Map.of());
        assertFalse(message.contains("123456789"), message);
        assertTrue(message.contains("key 'admin-key'"), message);
    }

    @Test
    void malformedOrMisshapenYamlFilesAreRefused() throws IOException {
        expectYamlError("port: 9000\nhost: a: b\n", "line 2: malformed YAML: mapping values are not allowed here");
        expectYamlError("port: [1,\n", "line 2: malformed YAML: expected the node content, but found '<stream end>'");
        expectYamlError("- port: 9000\n", "line 1: expected a mapping of option names to values (e.g. port: 8080)");
        expectYamlError("just text\n", "expected a mapping of option names to values");
        expectYamlError("port: 1\n---\nport: 2\n", "expected a single mapping of options, found more after it");
    }

    @Test
    void missingAndOversizedFilesAreRefused() throws IOException {
        Path missing = dir.resolve("absent.yaml");
        assertEquals("config file " + missing + ": no such file", error(parse("--config", missing.toString()), Map.of()));
        assertEquals("config file " + dir + ": no such file", error(parse(), Map.of("SCION_CONFIG", dir.toString())));
        Path big = yaml("# " + "x".repeat((int) YamlConfigFile.MAX_FILE_BYTES) + "\n");
        assertEquals("config file " + big + ": larger than 1 MiB, not a config file",
                error(parse("--config", big.toString()), Map.of()));
    }

    @Test
    void helpListsEveryOptionOnce() {
        String usage = new CommandLine(new Serve()).getUsageMessage();
        assertTrue(usage.contains("--config=FILE"), usage);
        for (String key : ServeSettings.allKeys()) {
            // a flag with an optional value (--http2) shows as --http2[=true|false]
            assertTrue(usage.contains("--" + key + "=") || usage.contains("--" + key + "[="), "usage lists --" + key);
            String env = ServeSetting.envVar(key);
            assertTrue(usage.replaceAll("\\s+", " ").contains("Env: " + env) || key.equals("api-key"),
                    "usage names " + env);
        }
        assertTrue(usage.contains("SCION_API_KEY"), usage);
    }

    private void expectYamlError(String text, String expected) throws IOException {
        Path file = yaml(text);
        String message = error(parse("--config", file.toString()), Map.of());
        assertTrue(message.startsWith("config file " + file), message);
        assertTrue(message.contains(expected), message);
    }

    private static String error(ServeOptions options, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> options.resolve(env)).getMessage();
    }
}
