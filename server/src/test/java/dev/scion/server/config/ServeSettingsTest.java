package dev.scion.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * The declarations themselves: each complete, and together exactly the settings {@code scion serve} had before they
 * were declared in one place (ConfigKey, ServeOptions' annotated fields and ServerConfig's DEFAULT_* constants),
 * with the same names, the same defaults, and a flag, a variable and a YAML key that each still work.
 */
class ServeSettingsTest {
    @TempDir
    Path dir;

    /** One setting as it was: its name, its default, and a valid value other than the default, written as text. */
    private record Was(String key, Object defaultValue, String sample) {}

    private static final List<Was> BEFORE = List.of(
            new Was("model", null, "/models/qwen"),
            new Was("host", "127.0.0.1", "0.0.0.0"),
            new Was("port", 8000, "9000"),
            new Was("device", "cpu", "auto"),
            new Was("dtype", "float32", "bfloat16"),
            new Was("max-batch", 8, "16"),
            new Was("max-model-len", 0, "2048"),
            new Was("queue-size", 256, "64"),
            new Was("request-timeout", Duration.ofSeconds(120), "45s"),
            new Was("max-body", 8L << 20, "2m"),
            new Was("api-key", List.of(), "key-one"),
            new Was("admin-key", null, "admin-1"),
            new Was("adapters", null, "/adapters"),
            new Was("shutdown-grace", Duration.ofSeconds(30), "10s"),
            new Was("max-loras", 8, "4"),
            new Was("prefill-chunk", 512, "256"),
            new Was("adapter-cache-bytes", 1L << 30, "512m"),
            new Was("adapter-load-threads", 2, "4"),
            new Was("adapter-load-queue", 16, "8"),
            new Was("max-lora-rank", 64, "128"),
            new Was("pin-adapters", List.of(), "support-bot"),
            new Was("max-adapter-bytes", 2L << 30, "512m"),
            new Was("data-dir", null, "/data"),
            new Was("max-file-bytes", 512L << 20, "64m"),
            new Was("training-duty-cycle", 0.5, "0.25"),
            new Was("watch", null, "/inbox"),
            new Was("watch-adapter", null, "bot"),
            new Was("trigger-examples", 100, "20"),
            new Was("watch-interval", Duration.ofSeconds(10), "2s"),
            new Was("watch-canary-percent", 10, "0"),
            new Was("idle-timeout", Duration.ofSeconds(60), "5s"),
            new Was("header-timeout", Duration.ofSeconds(10), "1500ms"),
            new Was("body-timeout", Duration.ofSeconds(30), "7s"),
            new Was("upload-timeout", Duration.ofMinutes(15), "1h"),
            new Was("max-connections", 1024, "10"),
            new Was("max-buffered-body", 64L << 20, "16m"),
            new Was("http2", false, "true"),
            new Was("http2-max-streams", 16, "4"),
            new Was("metrics-key", null, "scrape"),
            new Was("audit-max-bytes", 16L << 20, "1m"),
            new Was("audit-keep", 3, "0"),
            new Was("audit-refusal-interval", Duration.ofSeconds(60), "5s"),
            new Was("min-free-disk", 256L << 20, "0"),
            new Was("files-quota", 100L << 30, "5g"),
            // added since
            new Was("embedding-pooling", "mean", "last"),
            new Was("tool-call-parser", "auto", "mistral"));

    /** The settings some others need: --watch needs an adapter to train and a store to publish to. */
    private static final Map<String, List<String>> NEEDS = Map.of(
            "data-dir", List.of("--adapters", "/a"),
            "watch", List.of("--adapters", "/a", "--watch-adapter", "bot"),
            "watch-adapter", List.of("--adapters", "/a", "--watch", "/w"));

    @Test
    void everySettingIsDeclaredWithHelpAndADefault() {
        assertEquals(List.of(), ServeSettings.incomplete(ServeSettings.ALL));
    }

    @Test
    void anIncompleteDeclarationIsFound() {
        ServeSetting<Integer> noHelp = new ServeSetting<>("max-widgets", SettingKind.INT, 3, "3", "N", v -> v, " ",
                ServerConfig::port);
        ServeSetting<Path> noDefault = new ServeSetting<>("widget-dir", SettingKind.PATH, null, null, "DIR", v -> v,
                "Where widgets live.", ServerConfig::model);
        ServeSetting<Integer> badName = new ServeSetting<>("Max_Port", SettingKind.INT, 1, "1", "N", v -> v,
                "The port.", ServerConfig::port);
        assertEquals(List.of("'max-widgets': no help", "'widget-dir': no default, nor what unset means",
                "'port': declared twice", "'Max_Port': not a name of lower-case words joined by dashes"),
                ServeSettings.incomplete(List.of(noHelp, noDefault, ServeSettings.PORT, ServeSettings.PORT, badName)));
    }

    @Test
    void theFlagsAreThoseOfBeforeWithTheirNamesAndOrder() {
        List<String> flags = new ArrayList<>();
        for (OptionSpec option : new CommandLine(new ServeOptionsTest.Serve()).getCommandSpec().options()) {
            flags.add(option.longestName());
        }
        List<String> expected = new ArrayList<>(List.of("--config"));
        BEFORE.forEach(was -> expected.add("--" + was.key()));
        assertEquals(expected, flags);
        assertEquals(BEFORE.stream().map(Was::key).toList(), ServeSettings.allKeys());
    }

    @Test
    void everyDefaultIsTheOneOfBefore() {
        ServerConfig defaults = ServerConfig.defaults();
        for (Was was : BEFORE) {
            Object value = ServeSettings.byKey(was.key()).read().apply(defaults);
            assertEquals(was.defaultValue(), value, was.key());
        }
    }

    @Test
    void everySettingReadsTheSameFromItsFlagItsVariableAndItsYamlKey() throws IOException {
        for (Was was : BEFORE) {
            ServeSetting<?> setting = ServeSettings.byKey(was.key());
            List<String> needs = NEEDS.getOrDefault(was.key(), List.of());
            Object fromFlag = read(setting, parse(needs, "--" + was.key() + "=" + was.sample()), Map.of());
            String variable = "SCION_" + was.key().toUpperCase(Locale.ROOT).replace('-', '_');
            Object fromEnv = read(setting, parse(needs), Map.of(variable, was.sample()));
            Path yaml = Files.writeString(dir.resolve(was.key() + ".yaml"), was.key() + ": " + was.sample() + "\n");
            Object fromYaml = read(setting, parse(needs, "--config", yaml.toString()), Map.of());
            assertNotEquals(was.defaultValue(), fromFlag, was.key() + ": the sample differs from the default");
            assertEquals(fromFlag, fromEnv, variable);
            assertEquals(fromFlag, fromYaml, was.key() + ":");
        }
    }

    @Test
    void theHelpShowsEachSettingsDefaultAndVariable() {
        String usage = new CommandLine(new ServeOptionsTest.Serve()).getUsageMessage().replaceAll("\\s+", " ");
        for (ServeSetting<?> setting : ServeSettings.ALL) {
            String help = setting.usage().replaceAll("\\s+", " ");
            assertTrue(usage.contains(help), "usage of " + setting.flag() + ": " + help);
            assertTrue(help.contains("Default: " + setting.defaultText() + "."), help);
            assertTrue(help.endsWith(" Env: " + setting.envVar() + "."), help);
        }
        assertTrue(usage.contains("--max-body=SIZE Largest request body, bytes or with k/m/g. Default: 8m. "
                + "Env: SCION_MAX_BODY."), usage);
        assertTrue(usage.contains("Default: 2m. Env: SCION_REQUEST_TIMEOUT."), "120s reads as 2m");
        assertTrue(usage.contains("Default: none, no authentication. Env: SCION_API_KEY."), usage);
    }

    @Test
    void sizesShowInTheLargestExactUnit() {
        assertEquals("8m", ConfigValues.formatSize(8L << 20));
        assertEquals("100g", ConfigValues.formatSize(100L << 30));
        assertEquals("1536k", ConfigValues.formatSize(1536L << 10));
        assertEquals("1000", ConfigValues.formatSize(1000));
        assertEquals("0", ConfigValues.formatSize(0));
    }

    private static ServeOptions parse(List<String> needs, String... args) {
        ServeOptionsTest.Serve serve = new ServeOptionsTest.Serve();
        List<String> all = new ArrayList<>(needs);
        all.addAll(List.of(args));
        new CommandLine(serve).parseArgs(all.toArray(String[]::new));
        return serve.options;
    }

    private static Object read(ServeSetting<?> setting, ServeOptions options, Map<String, String> env) {
        return setting.read().apply(options.resolve(env));
    }
}
