package dev.scion.server.config;

import static dev.scion.server.config.ServeSettings.*;

import dev.scion.engine.runtime.EmbeddingPooling;
import dev.scion.engine.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@code scion serve} is configured with, resolved from the command line, the environment and the YAML
 * file (see {@link ServeOptions}). Each setting's name, default, accepted values and help are declared once, in
 * {@link ServeSettings}; {@link Builder#build()} checks every value against its declaration and this record's
 * constructor the rules between settings, so the server never sees an impossible value. Build it with
 * {@link #builder()}.
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
 * @param embeddingPooling how /v1/embeddings pools hidden states: "mean" or "last" (see {@link #pooling()})
 * @param toolCallParser auto, hermes, llama3_json, mistral or none (see {@code ToolCallFormat})
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
        StorageLimits storage,
        String embeddingPooling,
        String toolCallParser) {

    /** When --max-model-len is 0, the model's own limit is capped here to keep the KV cache small. */
    public static final int CONTEXT_CAP = 4096;

    /** The rules between settings; each value on its own was checked by {@link Builder#build()}. */
    public ServerConfig {
        apiKeys = Objects.requireNonNullElse(apiKeys, List.of());
        if (adminKey != null && apiKeys.contains(adminKey)) {
            throw ConfigException.invalid("admin-key",
                    "must differ from every --api-key, or every inference client could use the admin endpoints");
        }
        checkTraining(training, adapters);
        if (http.maxBufferedBody() < maxBodyBytes) {
            throw ConfigException.invalid("max-buffered-body", "must be at least --max-body (" + maxBodyBytes
                    + " bytes), or a body of the largest allowed size could never be read; got " + http.maxBufferedBody());
        }
        if (metricsKey != null && metricsKey.equals(adminKey)) {
            throw ConfigException.invalid("metrics-key", "must differ from --admin-key, or every scraper could use "
                    + "the admin endpoints");
        }
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
        Builder builder = new Builder();
        ServeSettings.ALL.forEach(setting -> builder.copy(setting, this));
        return builder;
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
                + ", embeddingPooling=" + embeddingPooling + ", toolCallParser=" + toolCallParser + "]";
    }

    static final String MASK = "****";

    /** {@link #embeddingPooling} as the engine takes it. */
    public EmbeddingPooling pooling() {
        return EmbeddingPooling.parse(embeddingPooling);
    }

    /** Mutable, preloaded with every setting's default; {@link #build()} validates. */
    public static final class Builder {
        // Only the typed setters below put values in, each a T for its ServeSetting<T>.
        private final Map<ServeSetting<?>, Object> values = new HashMap<>();

        private Builder() {
            ServeSettings.ALL.forEach(setting -> values.put(setting, setting.defaultValue()));
        }

        <T> Builder set(ServeSetting<T> setting, T value) {
            values.put(setting, value);
            return this;
        }

        private <T> void copy(ServeSetting<T> setting, ServerConfig from) {
            set(setting, setting.read().apply(from));
        }

        @SuppressWarnings("unchecked") // set() is the only way in, and takes a T for a ServeSetting<T>
        private <T> T get(ServeSetting<T> setting) {
            return (T) values.get(setting);
        }

        private <T> void acceptFrom(Builder from, ServeSetting<T> setting) {
            set(setting, setting.accept(from.get(setting)));
        }

        public Builder model(Path v) { return set(ServeSettings.MODEL, v); }
        public Builder host(String v) { return set(ServeSettings.HOST, v); }
        public Builder port(int v) { return set(ServeSettings.PORT, v); }
        public Builder device(String v) { return set(ServeSettings.DEVICE, v); }
        public Builder dtype(String v) { return set(ServeSettings.DTYPE, v); }
        public Builder maxBatch(int v) { return set(ServeSettings.MAX_BATCH, v); }
        public Builder maxModelLen(int v) { return set(ServeSettings.MAX_MODEL_LEN, v); }
        public Builder queueSize(int v) { return set(ServeSettings.QUEUE_SIZE, v); }
        public Builder requestTimeout(Duration v) { return set(ServeSettings.REQUEST_TIMEOUT, v); }
        public Builder maxBodyBytes(long v) { return set(ServeSettings.MAX_BODY, v); }
        public Builder apiKeys(List<String> v) { return set(ServeSettings.API_KEY, v); }
        public Builder adminKey(String v) { return set(ServeSettings.ADMIN_KEY, v); }
        public Builder adapters(Path v) { return set(ServeSettings.ADAPTERS, v); }
        public Builder shutdownGrace(Duration v) { return set(ServeSettings.SHUTDOWN_GRACE, v); }
        public Builder maxLoras(int v) { return set(ServeSettings.MAX_LORAS, v); }
        public Builder prefillChunk(int v) { return set(ServeSettings.PREFILL_CHUNK, v); }
        public Builder adapterCacheBytes(long v) { return set(ServeSettings.ADAPTER_CACHE_BYTES, v); }
        public Builder adapterLoadThreads(int v) { return set(ServeSettings.ADAPTER_LOAD_THREADS, v); }
        public Builder adapterLoadQueue(int v) { return set(ServeSettings.ADAPTER_LOAD_QUEUE, v); }
        public Builder maxLoraRank(int v) { return set(ServeSettings.MAX_LORA_RANK, v); }
        public Builder pinAdapters(List<String> v) { return set(ServeSettings.PIN_ADAPTERS, v); }
        public Builder maxAdapterBytes(long v) { return set(ServeSettings.MAX_ADAPTER_BYTES, v); }
        public Builder dataDir(Path v) { return set(ServeSettings.DATA_DIR, v); }
        public Builder maxFileBytes(long v) { return set(ServeSettings.MAX_FILE_BYTES, v); }
        public Builder trainingDutyCycle(double v) { return set(ServeSettings.TRAINING_DUTY_CYCLE, v); }
        public Builder watch(Path v) { return set(ServeSettings.WATCH, v); }
        public Builder watchAdapter(String v) { return set(ServeSettings.WATCH_ADAPTER, v); }
        public Builder triggerExamples(int v) { return set(ServeSettings.TRIGGER_EXAMPLES, v); }
        public Builder watchInterval(Duration v) { return set(ServeSettings.WATCH_INTERVAL, v); }
        public Builder watchCanaryPercent(int v) { return set(ServeSettings.WATCH_CANARY_PERCENT, v); }
        public Builder idleTimeout(Duration v) { return set(ServeSettings.IDLE_TIMEOUT, v); }
        public Builder headerTimeout(Duration v) { return set(ServeSettings.HEADER_TIMEOUT, v); }
        public Builder bodyTimeout(Duration v) { return set(ServeSettings.BODY_TIMEOUT, v); }
        public Builder uploadTimeout(Duration v) { return set(ServeSettings.UPLOAD_TIMEOUT, v); }
        public Builder maxConnections(int v) { return set(ServeSettings.MAX_CONNECTIONS, v); }
        public Builder maxBufferedBody(long v) { return set(ServeSettings.MAX_BUFFERED_BODY, v); }
        public Builder http2(boolean v) { return set(ServeSettings.HTTP2, v); }
        public Builder http2MaxStreams(int v) { return set(ServeSettings.HTTP2_MAX_STREAMS, v); }
        public Builder metricsKey(String v) { return set(ServeSettings.METRICS_KEY, v); }
        public Builder auditMaxBytes(long v) { return set(ServeSettings.AUDIT_MAX_BYTES, v); }
        public Builder auditKeep(int v) { return set(ServeSettings.AUDIT_KEEP, v); }
        public Builder auditRefusalInterval(Duration v) { return set(ServeSettings.AUDIT_REFUSAL_INTERVAL, v); }

        public Builder audit(AuditConfig a) {
            return auditMaxBytes(a.maxBytes()).auditKeep(a.keep()).auditRefusalInterval(a.refusalInterval());
        }

        public Builder minFreeDisk(long v) { return set(ServeSettings.MIN_FREE_DISK, v); }
        public Builder filesQuota(long v) { return set(ServeSettings.FILES_QUOTA, v); }
        public Builder toolCallParser(String v) { return set(ServeSettings.TOOL_CALL_PARSER, v); }

        public Builder embeddingPooling(String v) { return set(ServeSettings.EMBEDDING_POOLING, v); }

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

        /**
         * Checks every value against its setting's declaration, then makes the configuration (whose constructor
         * checks the rules between settings). This builder keeps its values as they were given.
         *
         * @throws ConfigException naming the first setting whose value is refused
         */
        public ServerConfig build() {
            Builder checked = new Builder();
            ServeSettings.ALL.forEach(setting -> checked.acceptFrom(this, setting));
            return checked.make();
        }

        private ServerConfig make() {
            return new ServerConfig(get(MODEL), get(HOST), get(PORT), get(DEVICE), get(DTYPE), get(MAX_BATCH),
                    get(MAX_MODEL_LEN), get(QUEUE_SIZE), get(REQUEST_TIMEOUT), get(MAX_BODY), get(API_KEY),
                    get(ADMIN_KEY), get(ADAPTERS), get(SHUTDOWN_GRACE), get(MAX_LORAS), get(PREFILL_CHUNK),
                    get(ADAPTER_CACHE_BYTES), get(ADAPTER_LOAD_THREADS), get(ADAPTER_LOAD_QUEUE), get(MAX_LORA_RANK),
                    get(PIN_ADAPTERS), get(MAX_ADAPTER_BYTES),
                    new TrainingConfig(get(DATA_DIR), get(MAX_FILE_BYTES), get(TRAINING_DUTY_CYCLE), get(WATCH),
                            get(WATCH_ADAPTER), get(TRIGGER_EXAMPLES), get(WATCH_INTERVAL), get(WATCH_CANARY_PERCENT)),
                    new HttpLimits(get(IDLE_TIMEOUT), get(HEADER_TIMEOUT), get(BODY_TIMEOUT), get(UPLOAD_TIMEOUT),
                            get(MAX_CONNECTIONS), get(MAX_BUFFERED_BODY), get(HTTP2), get(HTTP2_MAX_STREAMS)),
                    get(METRICS_KEY), new AuditConfig(get(AUDIT_MAX_BYTES), get(AUDIT_KEEP),
                            get(AUDIT_REFUSAL_INTERVAL)),
                    new StorageLimits(get(MIN_FREE_DISK), get(FILES_QUOTA)), get(EMBEDDING_POOLING),
                    get(TOOL_CALL_PARSER));
        }
    }
}
