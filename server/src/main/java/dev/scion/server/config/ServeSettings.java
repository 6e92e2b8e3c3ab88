package dev.scion.server.config;

import static dev.scion.server.config.SettingKind.BOOLEAN;
import static dev.scion.server.config.SettingKind.BYTE_SIZE;
import static dev.scion.server.config.SettingKind.DURATION;
import static dev.scion.server.config.SettingKind.INT;
import static dev.scion.server.config.SettingKind.NAME_LIST;
import static dev.scion.server.config.SettingKind.NUMBER;
import static dev.scion.server.config.SettingKind.PATH;
import static dev.scion.server.config.SettingKind.STRING;

import dev.scion.engine.runtime.EmbeddingPooling;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.server.api.toolcalls.ToolCallFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Every setting of {@code scion serve}, each declared once: name, kind, default, accepted values, help, and where
 * {@link ServerConfig} holds it. The flags, the environment variables, the YAML keys and {@code --help} are all made
 * from this list ({@link ServeOptions}, {@link YamlConfigFile}), and {@link ServerConfig.Builder} starts from its
 * defaults and checks every value against it. Rules between settings (--admin-key differs from every --api-key)
 * are {@link ServerConfig}'s and {@link TrainingConfig}'s. The order is the help's.
 */
final class ServeSettings {
    // Upper bounds catch typos (an extra zero) that would otherwise allocate a KV cache or a body buffer the
    // machine cannot hold; they are far above anything this server sensibly runs with.
    static final int MAX_SLOTS = 4096;
    static final int MAX_CONTEXT = 1 << 20;
    static final int MAX_QUEUE = 1 << 20;
    static final int MAX_KEY_LENGTH = 512;
    static final Duration MIN_TIMEOUT = Duration.ofMillis(10);
    static final Duration MAX_TIMEOUT = Duration.ofDays(1);
    private static final long K = 1L << 10;

    private ServeSettings() {}

    static final ServeSetting<Path> MODEL = optional("model", PATH, "the embedded tiny model", ServerConfig::model,
            "DIR", any(), "Hugging Face checkpoint folder.");
    static final ServeSetting<String> HOST = setting("host", STRING, "127.0.0.1", ServerConfig::host, "ADDR",
            require(h -> h != null && !h.isEmpty() && h.chars().noneMatch(c -> c <= ' '),
                    h -> "must be a host name or address without spaces, got '" + h + "'"),
            "Interface to listen on (0.0.0.0 for every interface).");
    static final ServeSetting<Integer> PORT = setting("port", INT, 8000, ServerConfig::port, "N",
            require(p -> p >= 0 && p <= 65535, p -> "must be between 0 and 65535 (0 = any free port), got " + p),
            "TCP port; 0 = any free port, logged at start-up.");
    static final ServeSetting<String> DEVICE = setting("device", STRING, "cpu", ServerConfig::device,
            "cpu|gpu|gpu:N|auto", normalised(d -> new RuntimeOptions(d, "float32", 0).device(),
                    "must be cpu, gpu, gpu:N or auto"),
            "Where the model runs.");
    static final ServeSetting<String> DTYPE = setting("dtype", STRING, "float32", ServerConfig::dtype,
            "float32|float16|bfloat16", normalised(t -> new RuntimeOptions("cpu", t, 0).dtype(),
                    "must be float32, float16 or bfloat16"),
            "Compute precision.");
    static final ServeSetting<Integer> MAX_BATCH = setting("max-batch", INT, 8, ServerConfig::maxBatch, "N",
            between(1, MAX_SLOTS), "KV-cache slots: sequences decoded at once.");
    static final ServeSetting<Integer> MAX_MODEL_LEN = setting("max-model-len", INT, 0, ServerConfig::maxModelLen,
            "N", between(0, MAX_CONTEXT),
            "Longest prompt + completion; 0 = the model's maximum, capped at " + ServerConfig.CONTEXT_CAP + ".");
    static final ServeSetting<Integer> QUEUE_SIZE = setting("queue-size", INT, 256, ServerConfig::queueSize, "N",
            between(1, MAX_QUEUE), "Requests that may wait for a slot; beyond it they get 429.");
    static final ServeSetting<Duration> REQUEST_TIMEOUT = setting("request-timeout", DURATION,
            Duration.ofSeconds(120), ServerConfig::requestTimeout, "DURATION",
            require(d -> d != null && d.compareTo(Duration.ZERO) > 0,
                    d -> "must be a positive duration, got " + show(d)),
            "Longest a request waits in the queue, e.g. 60s, 2m, PT30S.");
    static final ServeSetting<Long> MAX_BODY = setting("max-body", BYTE_SIZE, 8L << 20, ServerConfig::maxBodyBytes,
            "SIZE", sizeBetween(K, 1L << 30, "1k and 1g"), "Largest request body, bytes or with k/m/g.");
    static final ServeSetting<List<String>> API_KEY = setting("api-key", NAME_LIST, List.of(), ServerConfig::apiKeys,
            "KEY", keys(), "Inference key clients send as 'Authorization: Bearer KEY'; repeatable. Prefer the "
                    + "environment variable (comma-separated): flags show in the process list.")
            .defaultShownAs("none, no authentication");
    static final ServeSetting<String> ADMIN_KEY = optional("admin-key", STRING, "none, the admin endpoints are off",
            ServerConfig::adminKey, "KEY", key(), "Key for the mutating admin endpoints.");
    static final ServeSetting<Path> ADAPTERS = optional("adapters", PATH, "none, no adapters",
            ServerConfig::adapters, "DIR", any(), "Adapter store folder (used by the adapter pool).");
    static final ServeSetting<Duration> SHUTDOWN_GRACE = setting("shutdown-grace", DURATION, Duration.ofSeconds(30),
            ServerConfig::shutdownGrace, "DURATION",
            require(d -> d != null && !d.isNegative(), d -> "must be zero or a positive duration, got " + show(d)),
            "On SIGTERM, how long running requests may finish.");
    static final ServeSetting<Integer> MAX_LORAS = setting("max-loras", INT, 8, ServerConfig::maxLoras, "N",
            between(1, MAX_SLOTS), "Distinct adapters in one batch.");
    static final ServeSetting<Integer> PREFILL_CHUNK = setting("prefill-chunk", INT, 512,
            ServerConfig::prefillChunk, "N", between(1, MAX_CONTEXT),
            "Most prompt tokens a sequence feeds per step, so long prompts do not stall decoding.");
    static final ServeSetting<Long> ADAPTER_CACHE_BYTES = setting("adapter-cache-bytes", BYTE_SIZE, 1L << 30,
            ServerConfig::adapterCacheBytes, "SIZE", atLeast(1L << 20), "Device memory for hot adapters, e.g. 512m.");
    static final ServeSetting<Integer> ADAPTER_LOAD_THREADS = setting("adapter-load-threads", INT, 2,
            ServerConfig::adapterLoadThreads, "N", between(1, 64), "Cold adapters loaded at once, on threads of "
                    + "their own, so requests for the base model or hot adapters never wait for a load.");
    static final ServeSetting<Integer> ADAPTER_LOAD_QUEUE = setting("adapter-load-queue", INT, 16,
            ServerConfig::adapterLoadQueue, "N", between(1, MAX_QUEUE), "Cold adapter loads that may wait for a "
                    + "load thread; a request needing one more gets 503 with Retry-After.");
    static final ServeSetting<Integer> MAX_LORA_RANK = setting("max-lora-rank", INT, 64, ServerConfig::maxLoraRank,
            "N", between(1, 1024), "Largest adapter rank accepted.");
    static final ServeSetting<List<String>> PIN_ADAPTERS = setting("pin-adapters", NAME_LIST, List.of(),
            ServerConfig::pinAdapters, "NAME", v -> v == null ? List.of() : List.copyOf(v), "Adapters whose routed "
                    + "versions (stable and canary) stay loaded whatever the cache pressure (repeatable or "
                    + "comma-separated).");
    static final ServeSetting<Long> MAX_ADAPTER_BYTES = setting("max-adapter-bytes", BYTE_SIZE, 2L << 30,
            ServerConfig::maxAdapterBytes, "SIZE", atLeast(K),
            "Largest adapter upload (multipart body or archive, unpacked), e.g. 512m.");
    static final ServeSetting<Path> DATA_DIR = optional("data-dir", PATH, "the folder .scion-data in the adapter store",
            c -> c.training().dataDir(), "DIR", any(),
            "Where uploaded files (/v1/files) and fine-tuning job records live; needs --adapters.");
    // OpenAI's limit for a fine-tuning file
    static final ServeSetting<Long> MAX_FILE_BYTES = setting("max-file-bytes", BYTE_SIZE, 512L << 20,
            c -> c.training().maxFileBytes(), "SIZE", atLeast(K), "Largest file upload to /v1/files.");
    static final ServeSetting<Double> TRAINING_DUTY_CYCLE = setting("training-duty-cycle", NUMBER, 0.5,
            c -> c.training().dutyCycle(), "SHARE", require(d -> d > 0 && d <= 1,
                    d -> "must be above 0 and at most 1 (1: training never yields to serving), got " + d),
            "Largest share of wall time training takes while requests are waiting or running, in (0, 1]; an idle "
                    + "server trains flat out.");
    static final ServeSetting<Path> WATCH = optional("watch", PATH, "none", c -> c.training().watch(), "DIR", any(),
            "Folder watched for new *.jsonl training files; each batch of --trigger-examples examples trains "
                    + "--watch-adapter once (needs --adapters).");
    static final ServeSetting<String> WATCH_ADAPTER = optional("watch-adapter", STRING, "none (required with --watch)",
            c -> c.training().watchAdapter(), "NAME",
            require(a -> a == null || a.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}") && !a.contains(".."),
                    a -> "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, without "
                            + "'..', got '" + a + "'"),
            "The adapter the watched folder trains.");
    static final ServeSetting<Integer> TRIGGER_EXAMPLES = setting("trigger-examples", INT, 100,
            c -> c.training().triggerExamples(), "N", between(1, 100_000_000),
            "New examples (non-blank lines) in the watched folder that start a round.");
    static final ServeSetting<Duration> WATCH_INTERVAL = setting("watch-interval", DURATION, Duration.ofSeconds(10),
            c -> c.training().watchInterval(), "DURATION", timeout(), "Time between scans of the watched folder.");
    static final ServeSetting<Integer> WATCH_CANARY_PERCENT = setting("watch-canary-percent", INT, 10,
            c -> c.training().watchCanaryPercent(), "N",
            require(p -> p >= 0 && p <= 99, p -> "must be between 0 (no canary) and 99, got " + p),
            "Traffic share a watched round's new version starts with as a canary; 0 serves it at once.");
    // nginx keeps idle connections 75s and AWS load balancers 60s; header and body deadlines as Apache's
    // mod_reqtimeout sets them (20s to 40s), a little tighter for the headers, which are small
    static final ServeSetting<Duration> IDLE_TIMEOUT = setting("idle-timeout", DURATION, Duration.ofSeconds(60),
            c -> c.http().idleTimeout(), "DURATION", timeout(), "A connection with no request in progress is closed "
                    + "after this long; a kept-alive connection's next request must send its headers within it.");
    static final ServeSetting<Duration> HEADER_TIMEOUT = setting("header-timeout", DURATION, Duration.ofSeconds(10),
            c -> c.http().headerTimeout(), "DURATION", timeout(),
            "A new connection that has not sent its first request's headers within this long is closed.");
    static final ServeSetting<Duration> BODY_TIMEOUT = setting("body-timeout", DURATION, Duration.ofSeconds(30),
            c -> c.http().bodyTimeout(), "DURATION", timeout(),
            "A request body must arrive whole within this long of its headers, else 408 (uploads: --upload-timeout).");
    static final ServeSetting<Duration> UPLOAD_TIMEOUT = setting("upload-timeout", DURATION, Duration.ofMinutes(15),
            c -> c.http().uploadTimeout(), "DURATION", timeout(),
            "The same for adapter and file uploads, which stream to disk.");
    static final ServeSetting<Integer> MAX_CONNECTIONS = setting("max-connections", INT, 1024,
            c -> c.http().maxConnections(), "N", between(1, 1_000_000),
            "Open connections at once; one beyond it is closed at once.");
    static final ServeSetting<Long> MAX_BUFFERED_BODY = setting("max-buffered-body", BYTE_SIZE, 64L << 20,
            c -> c.http().maxBufferedBody(), "SIZE", sizeBetween(K, 1L << 40, "1k and 1024g"), "Request body bytes "
                    + "all requests together may hold in memory, at least --max-body; beyond it 503 with Retry-After.");
    static final ServeSetting<Boolean> HTTP2 = setting("http2", BOOLEAN, false, c -> c.http().http2(), "true|false",
            any(), "Also serve HTTP/2 over cleartext (h2c: prior knowledge or Upgrade); when off, only HTTP/1.1 is "
                    + "spoken.");
    static final ServeSetting<Integer> HTTP2_MAX_STREAMS = setting("http2-max-streams", INT, 16,
            c -> c.http().http2MaxStreams(), "N", between(1, 1000),
            "With --http2, streams one connection may have open at once.");
    static final ServeSetting<String> METRICS_KEY = optional("metrics-key", STRING, "none, /metrics is open",
            ServerConfig::metricsKey, "KEY", key(),
            "Key /metrics needs ('Authorization: Bearer KEY', Prometheus bearer auth); without it /metrics is open, "
                    + "adapter names included.");
    static final ServeSetting<Long> AUDIT_MAX_BYTES = setting("audit-max-bytes", BYTE_SIZE, 16L << 20,
            c -> c.audit().maxBytes(), "SIZE", sizeBetween(K, 1L << 30, "1k and 1g"),
            "The adapter store's audit log is rotated at this size.");
    static final ServeSetting<Integer> AUDIT_KEEP = setting("audit-keep", INT, 3, c -> c.audit().keep(), "N",
            between(0, 100), "Rotated audit logs kept, older ones deleted.");
    static final ServeSetting<Duration> AUDIT_REFUSAL_INTERVAL = setting("audit-refusal-interval", DURATION,
            Duration.ofSeconds(60), c -> c.audit().refusalInterval(), "DURATION", timeout(), "Admin calls refused "
                    + "for a missing or wrong key are audited as one count per adapter, action, actor and reason this "
                    + "often.");
    static final ServeSetting<Long> MIN_FREE_DISK = setting("min-free-disk", BYTE_SIZE, 256L << 20,
            c -> c.storage().minFreeDisk(), "SIZE", require(n -> n >= 0, n -> "must be 0 or more bytes, got " + n),
            "Disk space uploads and loads must leave free on the adapter store's disk (and the data folder's); "
                    + "beyond it 507.");
    // OpenAI's limit for the files of one organization
    static final ServeSetting<Long> FILES_QUOTA = setting("files-quota", BYTE_SIZE, 100L << 30,
            c -> c.storage().filesQuota(), "SIZE", atLeast(K),
            "Most bytes the files of /v1/files hold together; an upload beyond it gets 507.");

    static final ServeSetting<String> EMBEDDING_POOLING = setting("embedding-pooling", STRING, "mean",
            ServerConfig::embeddingPooling, "mean|last",
            normalised(p -> EmbeddingPooling.parse(p).toString(), "must be mean or last"),
            "How /v1/embeddings pools the final hidden states of an input (then L2-normalised): their mean, or the "
                    + "last token's.");
    static final ServeSetting<String> TOOL_CALL_PARSER = setting("tool-call-parser", STRING, "auto",
            ServerConfig::toolCallParser, "auto|hermes|llama3_json|mistral|none",
            normalised(p -> {
                ToolCallFormat.forSetting(p, null); // refuses an unknown name
                return p.toLowerCase(Locale.ROOT);
            }, "must be auto, hermes, llama3_json, mistral or none"),
            "How tool calls are read from a chat output when a request offers tools: auto picks from the "
                    + "tokenizer's marker tokens (Hermes when it has none); none returns all output as content.");

    /** Every setting, in the help's order. */
    static final List<ServeSetting<?>> ALL = List.of(MODEL, HOST, PORT, DEVICE, DTYPE, MAX_BATCH, MAX_MODEL_LEN,
            QUEUE_SIZE, REQUEST_TIMEOUT, MAX_BODY, API_KEY, ADMIN_KEY, ADAPTERS, SHUTDOWN_GRACE, MAX_LORAS,
            PREFILL_CHUNK, ADAPTER_CACHE_BYTES, ADAPTER_LOAD_THREADS, ADAPTER_LOAD_QUEUE, MAX_LORA_RANK, PIN_ADAPTERS,
            MAX_ADAPTER_BYTES, DATA_DIR, MAX_FILE_BYTES, TRAINING_DUTY_CYCLE, WATCH, WATCH_ADAPTER, TRIGGER_EXAMPLES,
            WATCH_INTERVAL, WATCH_CANARY_PERCENT, IDLE_TIMEOUT, HEADER_TIMEOUT, BODY_TIMEOUT, UPLOAD_TIMEOUT,
            MAX_CONNECTIONS, MAX_BUFFERED_BODY, HTTP2, HTTP2_MAX_STREAMS, METRICS_KEY, AUDIT_MAX_BYTES, AUDIT_KEEP,
            AUDIT_REFUSAL_INTERVAL, MIN_FREE_DISK, FILES_QUOTA, EMBEDDING_POOLING, TOOL_CALL_PARSER);

    /** The setting with this YAML key, or null. */
    static ServeSetting<?> byKey(String key) {
        for (ServeSetting<?> s : ALL) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        return null;
    }

    static List<String> allKeys() {
        return ALL.stream().map(ServeSetting::key).toList();
    }

    /**
     * What is missing from these declarations: a help, a default (or what unset means), a name that is not
     * lower-case words joined by dashes, a name used twice. Empty when every one is complete.
     */
    static List<String> incomplete(List<ServeSetting<?>> settings) {
        List<String> problems = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (ServeSetting<?> s : settings) {
            if (s.key() == null || !s.key().matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
                problems.add("'" + s.key() + "': not a name of lower-case words joined by dashes");
            } else if (seen.contains(s.key())) {
                problems.add("'" + s.key() + "': declared twice");
            } else if (s.key().equals("config")) {
                problems.add("'config': the name of --config itself");
            }
            seen.add(s.key());
            if (s.help() == null || s.help().isBlank()) {
                problems.add("'" + s.key() + "': no help");
            }
            if (s.defaultText() == null || s.defaultText().isBlank()) {
                problems.add("'" + s.key() + "': no default, nor what unset means");
            }
            if (s.kind() == null || s.check() == null || s.read() == null || s.paramLabel() == null) {
                problems.add("'" + s.key() + "': no kind, check, place in ServerConfig or argument label");
            }
        }
        return problems;
    }

    /** A setting with a default; the help shows it as a flag takes it. */
    private static <T> ServeSetting<T> setting(String key, SettingKind<T> kind, T defaultValue,
            Function<ServerConfig, T> read, String paramLabel, ServeSetting.Check<T> check, String help) {
        return new ServeSetting<>(key, kind, defaultValue, defaultValue == null ? null : kind.show(defaultValue),
                paramLabel, check, help, read);
    }

    /** A setting that is unset by default; {@code whenUnset} says what that means, for the help. */
    private static <T> ServeSetting<T> optional(String key, SettingKind<T> kind, String whenUnset,
            Function<ServerConfig, T> read, String paramLabel, ServeSetting.Check<T> check, String help) {
        return new ServeSetting<>(key, kind, null, whenUnset, paramLabel, check, help, read);
    }

    private static <T> ServeSetting.Check<T> any() {
        return value -> value;
    }

    private static <T> ServeSetting.Check<T> require(Predicate<T> accepted, Function<T, String> problem) {
        return value -> {
            if (!accepted.test(value)) {
                throw new IllegalArgumentException(problem.apply(value));
            }
            return value;
        };
    }

    private static ServeSetting.Check<Integer> between(int min, int max) {
        return require(v -> v >= min && v <= max, v -> "must be between " + min + " and " + max + ", got " + v);
    }

    private static ServeSetting.Check<Long> sizeBetween(long min, long max, String range) {
        return require(v -> v >= min && v <= max, v -> "must be between " + range + " bytes, got " + v);
    }

    private static ServeSetting.Check<Long> atLeast(long min) {
        return require(v -> v >= min, v -> "must be at least " + ConfigValues.formatSize(min) + ", got " + v);
    }

    private static ServeSetting.Check<Duration> timeout() {
        return require(d -> d != null && d.compareTo(MIN_TIMEOUT) >= 0 && d.compareTo(MAX_TIMEOUT) <= 0,
                d -> "must be between 10ms and 1 day, got " + show(d));
    }

    /** The engine's own normal form ("GPU:1" is gpu:1); {@code expected} says what it takes. */
    private static ServeSetting.Check<String> normalised(Function<String, String> normalise, String expected) {
        return value -> {
            if (value == null) {
                throw new IllegalArgumentException(expected);
            }
            try {
                return normalise.apply(value.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(expected + ", got '" + value + "'");
            }
        };
    }

    // Keys travel in an Authorization header and (for the environment) in a comma-separated list, so they must be
    // printable ASCII without spaces or commas; the message never echoes the key itself.
    private static ServeSetting.Check<List<String>> keys() {
        return keys -> {
            if (keys == null) {
                return List.of();
            }
            for (int i = 0; i < keys.size(); i++) {
                checkKey(keys.get(i), "key #" + (i + 1));
            }
            return List.copyOf(keys);
        };
    }

    private static ServeSetting.Check<String> key() {
        return key -> {
            if (key != null) {
                checkKey(key, "the key");
            }
            return key;
        };
    }

    private static void checkKey(String key, String which) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("must not be empty (" + which + ")");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("must be at most " + MAX_KEY_LENGTH + " characters (" + which + ")");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == ',') {
                throw new IllegalArgumentException("may contain only printable ASCII without spaces or commas ("
                        + which + ")");
            }
        }
    }

    private static String show(Duration d) {
        return d == null ? "nothing" : ConfigValues.format(d);
    }
}
