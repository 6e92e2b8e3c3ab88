package dev.scion.server.config;

import dev.scion.engine.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code scion serve} is configured with, resolved from the command line, the environment and the YAML
 * file (see {@link ServeOptions}). Validated here, once, so the server never sees an impossible value.
 *
 * @param model checkpoint folder, or null for the embedded default model
 * @param host interface to listen on
 * @param port TCP port; 0 picks a free one
 * @param device cpu, gpu, gpu:N or auto
 * @param dtype compute precision (float32, float16, bfloat16)
 * @param maxBatch KV-cache slots, i.e. sequences decoded concurrently
 * @param maxModelLen longest prompt + completion; 0 = the model's own maximum capped at 4096
 * @param queueSize requests that may wait for a slot before new ones get 429
 * @param requestTimeout longest a request may wait in the queue
 * @param maxBodyBytes largest accepted request body
 * @param apiKeys inference keys; empty = no authentication
 * @param adminKey key for the mutating endpoints, or null = those endpoints are off
 * @param adapters adapter store folder (used by the adapter pool), or null
 * @param shutdownGrace how long running streams may finish after SIGTERM
 * @param maxLoras distinct adapters in one batch
 * @param prefillChunk most prompt tokens one sequence feeds per step
 * @param adapterLoadThreads cold adapters loaded at once, on threads of their own (requests for other models never
 *     wait for them)
 * @param adapterLoadQueue cold adapter loads that may wait for a load thread; one more is answered 503
 * @param training the co-located trainer: fine-tuning jobs, files, the watched folder
 * @param http connection, header and body timeouts, the connection limit, buffered body bytes, HTTP/2
 * @param metricsKey the key /metrics needs (Prometheus bearer auth), or null = /metrics is open
 * @param audit the audit log's rotation and how often refused admin calls are written
 * @param storage the disk space uploads and loads must leave free, the files quota
 */
public record ServerConfig(
        Path model,
        String host,
        int port,
        String device,
        String dtype,
        int maxBatch,
        int maxModelLen,
        int queueSize,
        Duration requestTimeout,
        long maxBodyBytes,
        List<String> apiKeys,
        String adminKey,
        Path adapters,
        Duration shutdownGrace,
        int maxLoras,
        int prefillChunk,
        long adapterCacheBytes,
        int adapterLoadThreads,
        int adapterLoadQueue,
        int maxLoraRank,
        List<String> pinAdapters,
        long maxAdapterBytes,
        TrainingConfig training,
        HttpLimits http,
        String metricsKey,
        AuditConfig audit,
        StorageLimits storage) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;
    public static final String DEFAULT_DEVICE = "cpu";
    public static final String DEFAULT_DTYPE = "float32";
    public static final int DEFAULT_MAX_BATCH = 8;
    public static final int DEFAULT_MAX_MODEL_LEN = 0;
    public static final int DEFAULT_QUEUE_SIZE = 256;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(120);
    public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_LORAS = 8;
    public static final int DEFAULT_PREFILL_CHUNK = 512;
    public static final long DEFAULT_ADAPTER_CACHE_BYTES = 1L << 30;
    public static final int DEFAULT_ADAPTER_LOAD_THREADS = 2;
    public static final int DEFAULT_ADAPTER_LOAD_QUEUE = 16;
    public static final int DEFAULT_MAX_LORA_RANK = 64;
    public static final long DEFAULT_MAX_ADAPTER_BYTES = 2L << 30;

    /** When --max-model-len is 0, the model's own limit is capped here to keep the KV cache small. */
    public static final int CONTEXT_CAP = 4096;

    // Upper bounds catch typos (an extra zero) that would otherwise allocate a KV cache or a body buffer the
    // machine cannot hold; they are far above anything this server sensibly runs with.
    static final int MAX_SLOTS = 4096;
    static final int MAX_CONTEXT = 1 << 20;
    static final int MAX_QUEUE = 1 << 20;
    static final long MIN_BODY = 1L << 10;
    static final long MAX_BODY = 1L << 30;
    static final int MAX_KEY_LENGTH = 512;

    public ServerConfig {
        if (host == null || host.isEmpty() || host.chars().anyMatch(c -> c <= ' ')) {
            throw ConfigException.invalid("host", "must be a host name or address without spaces, got '" + host + "'");
        }
        if (port < 0 || port > 65535) {
            throw ConfigException.invalid("port", "must be between 0 and 65535 (0 = any free port), got " + port);
        }
        device = checkDevice(device);
        dtype = checkDtype(dtype);
        requireRange("max-batch", maxBatch, 1, MAX_SLOTS);
        requireRange("max-model-len", maxModelLen, 0, MAX_CONTEXT);
        requireRange("queue-size", queueSize, 1, MAX_QUEUE);
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw ConfigException.invalid("request-timeout", "must be a positive duration, got " + show(requestTimeout));
        }
        if (maxBodyBytes < MIN_BODY || maxBodyBytes > MAX_BODY) {
            throw ConfigException.invalid("max-body", "must be between 1k and 1g bytes, got " + maxBodyBytes);
        }
        apiKeys = Objects.requireNonNullElse(apiKeys, List.of());
        for (int i = 0; i < apiKeys.size(); i++) {
            checkKey("api-key", apiKeys.get(i), "key #" + (i + 1));
        }
        apiKeys = List.copyOf(apiKeys);
        if (adminKey != null) {
            checkKey("admin-key", adminKey, "the key");
            if (apiKeys.contains(adminKey)) {
                throw ConfigException.invalid("admin-key",
                        "must differ from every --api-key, or every inference client could use the admin endpoints");
            }
        }
        if (shutdownGrace == null || shutdownGrace.isNegative()) {
            throw ConfigException.invalid("shutdown-grace", "must be zero or a positive duration, got " + show(shutdownGrace));
        }
        requireRange("max-loras", maxLoras, 1, MAX_SLOTS);
        requireRange("prefill-chunk", prefillChunk, 1, MAX_CONTEXT);
        if (adapterCacheBytes < (1L << 20)) {
            throw new ConfigException("adapter-cache-bytes", "--adapter-cache-bytes must be at least 1m, got "
                    + adapterCacheBytes);
        }
        requireRange("adapter-load-threads", adapterLoadThreads, 1, 64);
        requireRange("adapter-load-queue", adapterLoadQueue, 1, MAX_QUEUE);
        requireRange("max-lora-rank", maxLoraRank, 1, 1024);
        pinAdapters = pinAdapters == null ? List.of() : List.copyOf(pinAdapters);
        if (maxAdapterBytes < (1L << 10)) {
            throw new ConfigException("max-adapter-bytes", "--max-adapter-bytes must be at least 1k, got "
                    + maxAdapterBytes);
        }
        training = Objects.requireNonNullElse(training, TrainingConfig.defaults());
        checkTraining(training, adapters);
        http = Objects.requireNonNullElse(http, HttpLimits.defaults());
        if (http.maxBufferedBody() < maxBodyBytes) {
            throw ConfigException.invalid("max-buffered-body", "must be at least --max-body (" + maxBodyBytes
                    + " bytes), or a body of the largest allowed size could never be read; got " + http.maxBufferedBody());
        }
        if (metricsKey != null) {
            checkKey("metrics-key", metricsKey, "the key");
            if (metricsKey.equals(adminKey)) {
                throw ConfigException.invalid("metrics-key", "must differ from --admin-key, or every scraper could use "
                        + "the admin endpoints");
            }
        }
        audit = Objects.requireNonNullElse(audit, AuditConfig.defaults());
    }

    // Jobs publish into the adapter store, so everything that makes jobs needs one; and a watched folder inside the
    // store or the data folder would pick up the server's own files as training data.
    private static void checkTraining(TrainingConfig training, Path adapters) {
        if (adapters == null) {
            if (training.dataDir() != null) {
                throw ConfigException.invalid("data-dir", "needs --adapters DIR: fine-tuning jobs publish there");
            }
            if (training.watch() != null) {
                throw ConfigException.invalid("watch", "needs --adapters DIR: its rounds publish there");
            }
            return;
        }
        if (training.watch() != null) {
            Path watch = training.watch().toAbsolutePath().normalize();
            for (Path server : List.of(adapters, training.dataDir(adapters))) {
                Path s = server.toAbsolutePath().normalize();
                if (watch.startsWith(s) || s.startsWith(watch)) {
                    throw ConfigException.invalid("watch", "must be a folder of its own, neither inside nor around "
                            + s + " (the server's own files are not training data)");
                }
            }
        }
    }

    /** Every option at its default: the embedded model on 127.0.0.1:8000, no keys. */
    public static ServerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values, to change a few. */
    public Builder toBuilder() {
        return new Builder().model(model).host(host).port(port).device(device).dtype(dtype).maxBatch(maxBatch)
                .maxModelLen(maxModelLen).queueSize(queueSize).requestTimeout(requestTimeout)
                .maxBodyBytes(maxBodyBytes).apiKeys(apiKeys).adminKey(adminKey).adapters(adapters)
                .shutdownGrace(shutdownGrace).maxLoras(maxLoras).prefillChunk(prefillChunk)
                .adapterCacheBytes(adapterCacheBytes).adapterLoadThreads(adapterLoadThreads)
                .adapterLoadQueue(adapterLoadQueue).maxLoraRank(maxLoraRank).pinAdapters(pinAdapters)
                .maxAdapterBytes(maxAdapterBytes).training(training).http(http).metricsKey(metricsKey).audit(audit)
                .storage(storage);
    }

    /** What the engine needs to load the model. */
    public RuntimeOptions runtimeOptions() {
        return new RuntimeOptions(device, dtype, maxModelLen);
    }

    /** The context length to serve: --max-model-len, else the model's maximum capped at {@link #CONTEXT_CAP}. */
    public int contextLength(int modelMaxPositions) {
        return maxModelLen > 0 ? maxModelLen : Math.min(modelMaxPositions, CONTEXT_CAP);
    }

    /** Whether inference requests must carry one of {@link #apiKeys}. */
    public boolean requiresApiKey() {
        return !apiKeys.isEmpty();
    }

    /** Whether the mutating (admin) endpoints are on at all. */
    public boolean adminEnabled() {
        return adminKey != null;
    }

    /** Secrets are masked: this string goes to logs. */
    @Override
    public String toString() {
        return "ServerConfig[model=" + (model == null ? "embedded" : model)
                + ", host=" + host + ", port=" + port + ", device=" + device + ", dtype=" + dtype
                + ", maxBatch=" + maxBatch + ", maxModelLen=" + maxModelLen + ", queueSize=" + queueSize
                + ", requestTimeout=" + ConfigValues.format(requestTimeout) + ", maxBodyBytes=" + maxBodyBytes
                + ", apiKeys=" + apiKeys.stream().map(k -> MASK).toList()
                + ", adminKey=" + (adminKey == null ? "none" : MASK)
                + ", adapters=" + (adapters == null ? "none" : adapters)
                + ", shutdownGrace=" + ConfigValues.format(shutdownGrace)
                + ", maxLoras=" + maxLoras + ", prefillChunk=" + prefillChunk + ", adapterCacheBytes=" + adapterCacheBytes
                + ", adapterLoadThreads=" + adapterLoadThreads + ", adapterLoadQueue=" + adapterLoadQueue
                + ", maxLoraRank=" + maxLoraRank + ", pinAdapters=" + pinAdapters + ", maxAdapterBytes=" + maxAdapterBytes
                + ", training=" + training + ", http=" + http
                + ", metricsKey=" + (metricsKey == null ? "none" : MASK) + ", audit=" + audit + ", storage=" + storage
                + "]";
    }

    static final String MASK = "****";

    private static String checkDevice(String device) {
        if (device == null) {
            throw ConfigException.invalid("device", "must be cpu, gpu, gpu:N or auto");
        }
        try {
            return new RuntimeOptions(device.strip(), DEFAULT_DTYPE, 0).device();
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid("device", "must be cpu, gpu, gpu:N or auto, got '" + device + "'");
        }
    }

    private static String checkDtype(String dtype) {
        if (dtype == null) {
            throw ConfigException.invalid("dtype", "must be float32, float16 or bfloat16");
        }
        try {
            return new RuntimeOptions(DEFAULT_DEVICE, dtype.strip(), 0).dtype();
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid("dtype", "must be float32, float16 or bfloat16, got '" + dtype + "'");
        }
    }

    private static void requireRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw ConfigException.invalid(option, "must be between " + min + " and " + max + ", got " + value);
        }
    }

    // Keys travel in an Authorization header and (for the environment) in a comma-separated list, so they must be
    // printable ASCII without spaces or commas; the message never echoes the key itself.
    private static void checkKey(String option, String key, String which) {
        if (key == null || key.isEmpty()) {
            throw ConfigException.invalid(option, "must not be empty (" + which + ")");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw ConfigException.invalid(option, "must be at most " + MAX_KEY_LENGTH + " characters (" + which + ")");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == ',') {
                throw ConfigException.invalid(option,
                        "may contain only printable ASCII without spaces or commas (" + which + ")");
            }
        }
    }

    private static String show(Duration d) {
        return d == null ? "nothing" : ConfigValues.format(d);
    }

    /** Mutable, preloaded with every default; {@link #build()} validates. */
    public static final class Builder {
        private Path model;
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String device = DEFAULT_DEVICE;
        private String dtype = DEFAULT_DTYPE;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private int maxModelLen = DEFAULT_MAX_MODEL_LEN;
        private int queueSize = DEFAULT_QUEUE_SIZE;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private List<String> apiKeys = List.of();
        private String adminKey;
        private Path adapters;
        private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
        private int maxLoras = DEFAULT_MAX_LORAS;
        private int prefillChunk = DEFAULT_PREFILL_CHUNK;
        private long adapterCacheBytes = DEFAULT_ADAPTER_CACHE_BYTES;
        private int adapterLoadThreads = DEFAULT_ADAPTER_LOAD_THREADS;
        private int adapterLoadQueue = DEFAULT_ADAPTER_LOAD_QUEUE;
        private int maxLoraRank = DEFAULT_MAX_LORA_RANK;
        private List<String> pinAdapters = List.of();
        private long maxAdapterBytes = DEFAULT_MAX_ADAPTER_BYTES;
        private Path dataDir;
        private long maxFileBytes = TrainingConfig.DEFAULT_MAX_FILE_BYTES;
        private double trainingDutyCycle = TrainingConfig.DEFAULT_DUTY_CYCLE;
        private Path watch;
        private String watchAdapter;
        private int triggerExamples = TrainingConfig.DEFAULT_TRIGGER_EXAMPLES;
        private Duration watchInterval = TrainingConfig.DEFAULT_WATCH_INTERVAL;
        private int watchCanaryPercent = TrainingConfig.DEFAULT_WATCH_CANARY_PERCENT;
        private Duration idleTimeout = HttpLimits.DEFAULT_IDLE_TIMEOUT;
        private Duration headerTimeout = HttpLimits.DEFAULT_HEADER_TIMEOUT;
        private Duration bodyTimeout = HttpLimits.DEFAULT_BODY_TIMEOUT;
        private Duration uploadTimeout = HttpLimits.DEFAULT_UPLOAD_TIMEOUT;
        private int maxConnections = HttpLimits.DEFAULT_MAX_CONNECTIONS;
        private long maxBufferedBody = HttpLimits.DEFAULT_MAX_BUFFERED_BODY;
        private boolean http2;
        private int http2MaxStreams = HttpLimits.DEFAULT_HTTP2_MAX_STREAMS;
        private String metricsKey;
        private long auditMaxBytes = AuditConfig.DEFAULT_MAX_BYTES;
        private int auditKeep = AuditConfig.DEFAULT_KEEP;
        private Duration auditRefusalInterval = AuditConfig.DEFAULT_REFUSAL_INTERVAL;
        private long minFreeDisk = StorageLimits.DEFAULT_MIN_FREE_DISK;
        private long filesQuota = StorageLimits.DEFAULT_FILES_QUOTA;

        private Builder() {}

        public Builder model(Path v) { model = v; return this; }
        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder device(String v) { device = v; return this; }
        public Builder dtype(String v) { dtype = v; return this; }
        public Builder maxBatch(int v) { maxBatch = v; return this; }
        public Builder maxModelLen(int v) { maxModelLen = v; return this; }
        public Builder queueSize(int v) { queueSize = v; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        public Builder maxBodyBytes(long v) { maxBodyBytes = v; return this; }
        public Builder apiKeys(List<String> v) { apiKeys = v; return this; }
        public Builder adminKey(String v) { adminKey = v; return this; }
        public Builder adapters(Path v) { adapters = v; return this; }
        public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
        public Builder maxLoras(int v) { maxLoras = v; return this; }
        public Builder prefillChunk(int v) { prefillChunk = v; return this; }
        public Builder adapterCacheBytes(long v) { adapterCacheBytes = v; return this; }
        public Builder adapterLoadThreads(int v) { adapterLoadThreads = v; return this; }
        public Builder adapterLoadQueue(int v) { adapterLoadQueue = v; return this; }
        public Builder maxLoraRank(int v) { maxLoraRank = v; return this; }
        public Builder pinAdapters(List<String> v) { pinAdapters = v; return this; }
        public Builder maxAdapterBytes(long v) { maxAdapterBytes = v; return this; }
        public Builder dataDir(Path v) { dataDir = v; return this; }
        public Builder maxFileBytes(long v) { maxFileBytes = v; return this; }
        public Builder trainingDutyCycle(double v) { trainingDutyCycle = v; return this; }
        public Builder watch(Path v) { watch = v; return this; }
        public Builder watchAdapter(String v) { watchAdapter = v; return this; }
        public Builder triggerExamples(int v) { triggerExamples = v; return this; }
        public Builder watchInterval(Duration v) { watchInterval = v; return this; }
        public Builder watchCanaryPercent(int v) { watchCanaryPercent = v; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder headerTimeout(Duration v) { headerTimeout = v; return this; }
        public Builder bodyTimeout(Duration v) { bodyTimeout = v; return this; }
        public Builder uploadTimeout(Duration v) { uploadTimeout = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder maxBufferedBody(long v) { maxBufferedBody = v; return this; }
        public Builder http2(boolean v) { http2 = v; return this; }
        public Builder http2MaxStreams(int v) { http2MaxStreams = v; return this; }
        public Builder metricsKey(String v) { metricsKey = v; return this; }
        public Builder auditMaxBytes(long v) { auditMaxBytes = v; return this; }
        public Builder auditKeep(int v) { auditKeep = v; return this; }
        public Builder auditRefusalInterval(Duration v) { auditRefusalInterval = v; return this; }

        public Builder audit(AuditConfig a) {
            return auditMaxBytes(a.maxBytes()).auditKeep(a.keep()).auditRefusalInterval(a.refusalInterval());
        }

        public Builder minFreeDisk(long v) { minFreeDisk = v; return this; }
        public Builder filesQuota(long v) { filesQuota = v; return this; }

        public Builder storage(StorageLimits s) {
            return minFreeDisk(s.minFreeDisk()).filesQuota(s.filesQuota());
        }

        public Builder training(TrainingConfig t) {
            return dataDir(t.dataDir()).maxFileBytes(t.maxFileBytes()).trainingDutyCycle(t.dutyCycle())
                    .watch(t.watch()).watchAdapter(t.watchAdapter()).triggerExamples(t.triggerExamples())
                    .watchInterval(t.watchInterval()).watchCanaryPercent(t.watchCanaryPercent());
        }

        public Builder http(HttpLimits h) {
            return idleTimeout(h.idleTimeout()).headerTimeout(h.headerTimeout()).bodyTimeout(h.bodyTimeout())
                    .uploadTimeout(h.uploadTimeout()).maxConnections(h.maxConnections())
                    .maxBufferedBody(h.maxBufferedBody()).http2(h.http2()).http2MaxStreams(h.http2MaxStreams());
        }

        public ServerConfig build() {
            return new ServerConfig(model, host, port, device, dtype, maxBatch, maxModelLen, queueSize,
                    requestTimeout, maxBodyBytes, apiKeys, adminKey, adapters, shutdownGrace, maxLoras, prefillChunk,
                    adapterCacheBytes, adapterLoadThreads, adapterLoadQueue, maxLoraRank, pinAdapters, maxAdapterBytes,
                    new TrainingConfig(dataDir, maxFileBytes, trainingDutyCycle, watch, watchAdapter, triggerExamples,
                            watchInterval, watchCanaryPercent),
                    new HttpLimits(idleTimeout, headerTimeout, bodyTimeout, uploadTimeout, maxConnections,
                            maxBufferedBody, http2, http2MaxStreams),
                    metricsKey, new AuditConfig(auditMaxBytes, auditKeep, auditRefusalInterval),
                    new StorageLimits(minFreeDisk, filesQuota));
        }
    }
}
