package dev.scion.server.config;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options of {@code scion serve}, for use as a picocli {@code @Mixin}. No option has a picocli default: an
 * unset flag stays null so that {@link #resolve} can fall back, per option, to the environment, then the YAML
 * file, then {@link ServerConfig}'s default. Durations and sizes are read as text so that "60s" and "8m" mean the
 * same on the command line as in the environment and the file.
 */
public final class ServeOptions {
    static final String CONFIG_ENV = ConfigKey.envVar("config");

    @Option(names = "--config", paramLabel = "FILE", order = 0,
            description = "YAML file of options, keys named as these flags without dashes (port: 8080, max-batch: 16). "
                    + "Precedence: command line > environment (SCION_PORT, SCION_MAX_BATCH...) > this file > default. "
                    + "Env: SCION_CONFIG.")
    Path config;

    @Option(names = "--model", paramLabel = "DIR", order = 1,
            description = "Hugging Face checkpoint folder. Default: the embedded tiny model. Env: SCION_MODEL.")
    Path model;

    @Option(names = "--host", paramLabel = "ADDR", order = 2,
            description = "Interface to listen on (default: 127.0.0.1; 0.0.0.0 for every interface). Env: SCION_HOST.")
    String host;

    @Option(names = "--port", paramLabel = "N", order = 3,
            description = "TCP port (default: 8000; 0 = any free port, logged at start-up). Env: SCION_PORT.")
    Integer port;

    @Option(names = "--device", paramLabel = "cpu|gpu|gpu:N|auto", order = 4,
            description = "Where the model runs (default: cpu). Env: SCION_DEVICE.")
    String device;

    @Option(names = "--dtype", paramLabel = "float32|float16|bfloat16", order = 5,
            description = "Compute precision (default: float32). Env: SCION_DTYPE.")
    String dtype;

    @Option(names = "--max-batch", paramLabel = "N", order = 6,
            description = "KV-cache slots: sequences decoded at once (default: 8). Env: SCION_MAX_BATCH.")
    Integer maxBatch;

    @Option(names = "--max-model-len", paramLabel = "N", order = 7,
            description = "Longest prompt + completion (default: 0 = the model's maximum, capped at 4096). "
                    + "Env: SCION_MAX_MODEL_LEN.")
    Integer maxModelLen;

    @Option(names = "--queue-size", paramLabel = "N", order = 8,
            description = "Requests that may wait for a slot; beyond it they get 429 (default: 256). Env: SCION_QUEUE_SIZE.")
    Integer queueSize;

    @Option(names = "--request-timeout", paramLabel = "DURATION", order = 9,
            description = "Longest a request waits in the queue, e.g. 60s, 2m, PT30S (default: 120s). "
                    + "Env: SCION_REQUEST_TIMEOUT.")
    String requestTimeout;

    @Option(names = "--max-body", paramLabel = "SIZE", order = 10,
            description = "Largest request body, bytes or with k/m/g (default: 8m). Env: SCION_MAX_BODY.")
    String maxBody;

    @Option(names = "--api-key", paramLabel = "KEY", split = ",", order = 11,
            description = "Inference key clients send as 'Authorization: Bearer KEY'; repeatable. Default: none, no "
                    + "authentication. Prefer SCION_API_KEY (comma-separated): flags show in the process list.")
    List<String> apiKeys;

    @Option(names = "--admin-key", paramLabel = "KEY", order = 12,
            description = "Key for the mutating admin endpoints; without it they are off. Env: SCION_ADMIN_KEY.")
    String adminKey;

    @Option(names = "--adapters", paramLabel = "DIR", order = 13,
            description = "Adapter store folder (used by the adapter pool). Env: SCION_ADAPTERS.")
    Path adapters;

    @Option(names = "--shutdown-grace", paramLabel = "DURATION", order = 14,
            description = "On SIGTERM, how long running requests may finish (default: 30s). Env: SCION_SHUTDOWN_GRACE.")
    String shutdownGrace;

    @Option(names = "--max-loras", paramLabel = "N", order = 15,
            description = "Distinct adapters in one batch (default: 8). Env: SCION_MAX_LORAS.")
    Integer maxLoras;

    @Option(names = "--prefill-chunk", paramLabel = "N", order = 16,
            description = "Most prompt tokens a sequence feeds per step, so long prompts do not stall decoding "
                    + "(default: 512). Env: SCION_PREFILL_CHUNK.")
    Integer prefillChunk;

    @Option(names = "--adapter-cache-bytes", paramLabel = "SIZE", order = 17,
            description = "Device memory for hot adapters, e.g. 512m or 2g (default: 1g). Env: SCION_ADAPTER_CACHE_BYTES.")
    String adapterCacheBytes;

    @Option(names = "--adapter-load-threads", paramLabel = "N", order = 17,
            description = "Cold adapters loaded at once, on threads of their own, so requests for the base model or "
                    + "hot adapters never wait for a load (default: 2). Env: SCION_ADAPTER_LOAD_THREADS.")
    Integer adapterLoadThreads;

    @Option(names = "--adapter-load-queue", paramLabel = "N", order = 17,
            description = "Cold adapter loads that may wait for a load thread; a request needing one more gets 503 "
                    + "with Retry-After (default: 16). Env: SCION_ADAPTER_LOAD_QUEUE.")
    Integer adapterLoadQueue;

    @Option(names = "--max-lora-rank", paramLabel = "N", order = 18,
            description = "Largest adapter rank accepted (default: 64). Env: SCION_MAX_LORA_RANK.")
    Integer maxLoraRank;

    @Option(names = "--pin-adapters", paramLabel = "NAME", split = ",", order = 19,
            description = "Adapters whose routed versions (stable and canary) stay loaded whatever the cache pressure "
                    + "(repeatable or comma-separated). Env: SCION_PIN_ADAPTERS.")
    List<String> pinAdapters;

    @Option(names = "--max-adapter-bytes", paramLabel = "SIZE", order = 20,
            description = "Largest adapter upload (multipart body or archive, unpacked), e.g. 512m (default: 2g). "
                    + "Env: SCION_MAX_ADAPTER_BYTES.")
    String maxAdapterBytes;

    @Option(names = "--data-dir", paramLabel = "DIR", order = 21,
            description = "Where uploaded files (/v1/files) and fine-tuning job records live; needs --adapters "
                    + "(default: .scion-data inside the adapter store). Env: SCION_DATA_DIR.")
    Path dataDir;

    @Option(names = "--max-file-bytes", paramLabel = "SIZE", order = 22,
            description = "Largest file upload to /v1/files (default: 512m). Env: SCION_MAX_FILE_BYTES.")
    String maxFileBytes;

    @Option(names = "--training-duty-cycle", paramLabel = "SHARE", order = 23,
            description = "Largest share of wall time training takes while requests are waiting or running, in "
                    + "(0, 1]; an idle server trains flat out (default: 0.5). Env: SCION_TRAINING_DUTY_CYCLE.")
    String trainingDutyCycle;

    @Option(names = "--watch", paramLabel = "DIR", order = 24,
            description = "Folder watched for new *.jsonl training files; each batch of --trigger-examples examples "
                    + "trains --watch-adapter once (needs --adapters). Env: SCION_WATCH.")
    Path watch;

    @Option(names = "--watch-adapter", paramLabel = "NAME", order = 25,
            description = "The adapter the watched folder trains. Env: SCION_WATCH_ADAPTER.")
    String watchAdapter;

    @Option(names = "--trigger-examples", paramLabel = "N", order = 26,
            description = "New examples (non-blank lines) in the watched folder that start a round (default: 100). "
                    + "Env: SCION_TRIGGER_EXAMPLES.")
    Integer triggerExamples;

    @Option(names = "--watch-interval", paramLabel = "DURATION", order = 27,
            description = "Time between scans of the watched folder (default: 10s). Env: SCION_WATCH_INTERVAL.")
    String watchInterval;

    @Option(names = "--watch-canary-percent", paramLabel = "N", order = 28,
            description = "Traffic share a watched round's new version starts with as a canary; 0 serves it at once "
                    + "(default: 10). Env: SCION_WATCH_CANARY_PERCENT.")
    Integer watchCanaryPercent;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", order = 29,
            description = "A connection with no request in progress is closed after this long; a kept-alive "
                    + "connection's next request must send its headers within it (default: 60s). Env: SCION_IDLE_TIMEOUT.")
    String idleTimeout;

    @Option(names = "--header-timeout", paramLabel = "DURATION", order = 30,
            description = "A new connection that has not sent its first request's headers within this long is closed "
                    + "(default: 10s). Env: SCION_HEADER_TIMEOUT.")
    String headerTimeout;

    @Option(names = "--body-timeout", paramLabel = "DURATION", order = 31,
            description = "A request body must arrive whole within this long of its headers, else 408 (default: 30s; "
                    + "uploads: --upload-timeout). Env: SCION_BODY_TIMEOUT.")
    String bodyTimeout;

    @Option(names = "--upload-timeout", paramLabel = "DURATION", order = 32,
            description = "The same for adapter and file uploads, which stream to disk (default: 15m). "
                    + "Env: SCION_UPLOAD_TIMEOUT.")
    String uploadTimeout;

    @Option(names = "--max-connections", paramLabel = "N", order = 33,
            description = "Open connections at once; one beyond it is closed at once (default: 1024). "
                    + "Env: SCION_MAX_CONNECTIONS.")
    Integer maxConnections;

    @Option(names = "--max-buffered-body", paramLabel = "SIZE", order = 34,
            description = "Request body bytes all requests together may hold in memory; beyond it 503 with "
                    + "Retry-After (default: 64m, at least --max-body). Env: SCION_MAX_BUFFERED_BODY.")
    String maxBufferedBody;

    @Option(names = "--http2", paramLabel = "true|false", arity = "0..1", fallbackValue = "true", order = 35,
            description = "Also serve HTTP/2 over cleartext (h2c: prior knowledge or Upgrade); off by default, when "
                    + "only HTTP/1.1 is spoken. Env: SCION_HTTP2.")
    Boolean http2;

    @Option(names = "--http2-max-streams", paramLabel = "N", order = 36,
            description = "With --http2, streams one connection may have open at once (default: 16). "
                    + "Env: SCION_HTTP2_MAX_STREAMS.")
    Integer http2MaxStreams;

    @Option(names = "--metrics-key", paramLabel = "KEY", order = 37,
            description = "Key /metrics needs ('Authorization: Bearer KEY', Prometheus bearer auth); without it "
                    + "/metrics is open, adapter names included. Env: SCION_METRICS_KEY.")
    String metricsKey;

    @Option(names = "--audit-max-bytes", paramLabel = "SIZE", order = 38,
            description = "The adapter store's audit log is rotated at this size (default: 16m). "
                    + "Env: SCION_AUDIT_MAX_BYTES.")
    String auditMaxBytes;

    @Option(names = "--audit-keep", paramLabel = "N", order = 39,
            description = "Rotated audit logs kept, older ones deleted (default: 3). Env: SCION_AUDIT_KEEP.")
    Integer auditKeep;

    @Option(names = "--audit-refusal-interval", paramLabel = "DURATION", order = 40,
            description = "Admin calls refused for a missing or wrong key are audited as one count per adapter, "
                    + "action, actor and reason this often (default: 60s). Env: SCION_AUDIT_REFUSAL_INTERVAL.")
    String auditRefusalInterval;

    @Option(names = "--min-free-disk", paramLabel = "SIZE", order = 41,
            description = "Disk space uploads and loads must leave free on the adapter store's disk (and the data "
                    + "folder's); beyond it 507 (default: 256m). Env: SCION_MIN_FREE_DISK.")
    String minFreeDisk;

    @Option(names = "--files-quota", paramLabel = "SIZE", order = 42,
            description = "Most bytes the files of /v1/files hold together; an upload beyond it gets 507 "
                    + "(default: 100g). Env: SCION_FILES_QUOTA.")
    String filesQuota;

    /** Resolves against the process environment. */
    public ServerConfig resolve() {
        return resolve(System.getenv());
    }

    /**
     * Picks each option from the command line, else {@code env}, else the YAML file (--config or SCION_CONFIG),
     * else the default, and validates the result.
     *
     * @param env environment variables; an empty value counts as unset
     * @throws ConfigException naming the option and where its bad value came from
     */
    public ServerConfig resolve(Map<String, String> env) {
        Path file = config;
        if (file == null && present(env.get(CONFIG_ENV))) {
            file = Path.of(env.get(CONFIG_ENV).strip());
        }
        Map<ConfigKey, Setting> chosen = new EnumMap<>(ConfigKey.class);
        if (file != null) {
            chosen.putAll(YamlConfigFile.read(file));
        }
        chosen.putAll(fromEnvironment(env));
        chosen.putAll(fromCommandLine());

        ServerConfig.Builder builder = ServerConfig.builder();
        chosen.forEach((key, setting) -> key.apply(builder, setting.value()));
        try {
            return builder.build();
        } catch (ConfigException e) {
            Setting culprit = e.option() == null ? null : chosen.get(ConfigKey.byKey(e.option()));
            if (culprit == null) {
                throw e;
            }
            throw new ConfigException(e.option(), e.getMessage() + " (set by " + culprit.source() + ")", e);
        }
    }

    private static Map<ConfigKey, Setting> fromEnvironment(Map<String, String> env) {
        Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            String text = env.get(key.envVar());
            if (present(text)) {
                settings.put(key, new Setting(parse(key, text, key.envVar()), key.envVar()));
            }
        }
        return settings;
    }

    private Map<ConfigKey, Setting> fromCommandLine() {
        Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
        put(settings, ConfigKey.MODEL, model);
        put(settings, ConfigKey.HOST, host);
        put(settings, ConfigKey.PORT, port);
        put(settings, ConfigKey.DEVICE, device);
        put(settings, ConfigKey.DTYPE, dtype);
        put(settings, ConfigKey.MAX_BATCH, maxBatch);
        put(settings, ConfigKey.MAX_MODEL_LEN, maxModelLen);
        put(settings, ConfigKey.QUEUE_SIZE, queueSize);
        putText(settings, ConfigKey.REQUEST_TIMEOUT, requestTimeout);
        putText(settings, ConfigKey.MAX_BODY, maxBody);
        put(settings, ConfigKey.API_KEY, apiKeys == null ? null : List.copyOf(apiKeys));
        put(settings, ConfigKey.ADMIN_KEY, adminKey);
        put(settings, ConfigKey.ADAPTERS, adapters);
        putText(settings, ConfigKey.SHUTDOWN_GRACE, shutdownGrace);
        put(settings, ConfigKey.MAX_LORAS, maxLoras);
        put(settings, ConfigKey.PREFILL_CHUNK, prefillChunk);
        putText(settings, ConfigKey.ADAPTER_CACHE_BYTES, adapterCacheBytes);
        put(settings, ConfigKey.ADAPTER_LOAD_THREADS, adapterLoadThreads);
        put(settings, ConfigKey.ADAPTER_LOAD_QUEUE, adapterLoadQueue);
        put(settings, ConfigKey.MAX_LORA_RANK, maxLoraRank);
        put(settings, ConfigKey.PIN_ADAPTERS, pinAdapters == null ? null : List.copyOf(pinAdapters));
        putText(settings, ConfigKey.MAX_ADAPTER_BYTES, maxAdapterBytes);
        put(settings, ConfigKey.DATA_DIR, dataDir);
        putText(settings, ConfigKey.MAX_FILE_BYTES, maxFileBytes);
        putText(settings, ConfigKey.TRAINING_DUTY_CYCLE, trainingDutyCycle);
        put(settings, ConfigKey.WATCH, watch);
        put(settings, ConfigKey.WATCH_ADAPTER, watchAdapter);
        put(settings, ConfigKey.TRIGGER_EXAMPLES, triggerExamples);
        putText(settings, ConfigKey.WATCH_INTERVAL, watchInterval);
        put(settings, ConfigKey.WATCH_CANARY_PERCENT, watchCanaryPercent);
        putText(settings, ConfigKey.IDLE_TIMEOUT, idleTimeout);
        putText(settings, ConfigKey.HEADER_TIMEOUT, headerTimeout);
        putText(settings, ConfigKey.BODY_TIMEOUT, bodyTimeout);
        putText(settings, ConfigKey.UPLOAD_TIMEOUT, uploadTimeout);
        put(settings, ConfigKey.MAX_CONNECTIONS, maxConnections);
        putText(settings, ConfigKey.MAX_BUFFERED_BODY, maxBufferedBody);
        put(settings, ConfigKey.HTTP2, http2);
        put(settings, ConfigKey.HTTP2_MAX_STREAMS, http2MaxStreams);
        put(settings, ConfigKey.METRICS_KEY, metricsKey);
        putText(settings, ConfigKey.AUDIT_MAX_BYTES, auditMaxBytes);
        put(settings, ConfigKey.AUDIT_KEEP, auditKeep);
        putText(settings, ConfigKey.AUDIT_REFUSAL_INTERVAL, auditRefusalInterval);
        putText(settings, ConfigKey.MIN_FREE_DISK, minFreeDisk);
        putText(settings, ConfigKey.FILES_QUOTA, filesQuota);
        return settings;
    }

    private static void put(Map<ConfigKey, Setting> settings, ConfigKey key, Object value) {
        if (value != null) {
            settings.put(key, new Setting(value, key.flag()));
        }
    }

    private static void putText(Map<ConfigKey, Setting> settings, ConfigKey key, String text) {
        if (text != null) {
            settings.put(key, new Setting(parse(key, text, key.flag()), key.flag()));
        }
    }

    private static Object parse(ConfigKey key, String text, String source) {
        try {
            return key.parseText(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key.key(), source + ": " + e.getMessage(), e);
        }
    }

    private static boolean present(String text) {
        return text != null && !text.isBlank();
    }
}
