package dev.scion.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The options of {@code scion serve}, each under one name: {@code --max-batch} on the command line,
 * {@code SCION_MAX_BATCH} in the environment, {@code max-batch:} in the YAML file. Knows how to read its value from
 * text (flags, environment) and from a YAML node, and where the value goes in a {@link ServerConfig.Builder}.
 */
enum ConfigKey {
    MODEL("model", Kind.PATH),
    HOST("host", Kind.STRING),
    PORT("port", Kind.INT),
    DEVICE("device", Kind.STRING),
    DTYPE("dtype", Kind.STRING),
    MAX_BATCH("max-batch", Kind.INT),
    MAX_MODEL_LEN("max-model-len", Kind.INT),
    QUEUE_SIZE("queue-size", Kind.INT),
    REQUEST_TIMEOUT("request-timeout", Kind.DURATION),
    MAX_BODY("max-body", Kind.BYTE_SIZE),
    API_KEY("api-key", Kind.KEY_LIST),
    ADMIN_KEY("admin-key", Kind.STRING),
    ADAPTERS("adapters", Kind.PATH),
    SHUTDOWN_GRACE("shutdown-grace", Kind.DURATION),
    MAX_LORAS("max-loras", Kind.INT),
    PREFILL_CHUNK("prefill-chunk", Kind.INT),
    ADAPTER_CACHE_BYTES("adapter-cache-bytes", Kind.BYTE_SIZE),
    ADAPTER_LOAD_THREADS("adapter-load-threads", Kind.INT),
    ADAPTER_LOAD_QUEUE("adapter-load-queue", Kind.INT),
    MAX_LORA_RANK("max-lora-rank", Kind.INT),
    PIN_ADAPTERS("pin-adapters", Kind.KEY_LIST),
    MAX_ADAPTER_BYTES("max-adapter-bytes", Kind.BYTE_SIZE),
    DATA_DIR("data-dir", Kind.PATH),
    MAX_FILE_BYTES("max-file-bytes", Kind.BYTE_SIZE),
    TRAINING_DUTY_CYCLE("training-duty-cycle", Kind.NUMBER),
    WATCH("watch", Kind.PATH),
    WATCH_ADAPTER("watch-adapter", Kind.STRING),
    TRIGGER_EXAMPLES("trigger-examples", Kind.INT),
    WATCH_INTERVAL("watch-interval", Kind.DURATION),
    WATCH_CANARY_PERCENT("watch-canary-percent", Kind.INT),
    IDLE_TIMEOUT("idle-timeout", Kind.DURATION),
    HEADER_TIMEOUT("header-timeout", Kind.DURATION),
    BODY_TIMEOUT("body-timeout", Kind.DURATION),
    UPLOAD_TIMEOUT("upload-timeout", Kind.DURATION),
    MAX_CONNECTIONS("max-connections", Kind.INT),
    MAX_BUFFERED_BODY("max-buffered-body", Kind.BYTE_SIZE),
    HTTP2("http2", Kind.BOOLEAN),
    HTTP2_MAX_STREAMS("http2-max-streams", Kind.INT),
    METRICS_KEY("metrics-key", Kind.STRING),
    AUDIT_MAX_BYTES("audit-max-bytes", Kind.BYTE_SIZE),
    AUDIT_KEEP("audit-keep", Kind.INT),
    AUDIT_REFUSAL_INTERVAL("audit-refusal-interval", Kind.DURATION),
    MIN_FREE_DISK("min-free-disk", Kind.BYTE_SIZE),
    FILES_QUOTA("files-quota", Kind.BYTE_SIZE);

    /** How a value is written, which decides both its text and its YAML form. */
    enum Kind { PATH, STRING, INT, NUMBER, BOOLEAN, DURATION, BYTE_SIZE, KEY_LIST }

    private final String key;
    private final Kind kind;

    ConfigKey(String key, Kind kind) {
        this.key = key;
        this.kind = kind;
    }

    /** The YAML key, and the flag without its dashes. */
    String key() {
        return key;
    }

    String flag() {
        return "--" + key;
    }

    String envVar() {
        return envVar(key);
    }

    static String envVar(String key) {
        return "SCION_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The key with this YAML name, or null. */
    static ConfigKey byKey(String key) {
        for (ConfigKey k : values()) {
            if (k.key.equals(key)) {
                return k;
            }
        }
        return null;
    }

    static List<String> allKeys() {
        return Arrays.stream(values()).map(ConfigKey::key).toList();
    }

    /**
     * Reads a value written as text (a flag's argument, an environment variable). Inference keys are a
     * comma-separated list, as they must be in one environment variable.
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    Object parseText(String text) {
        return switch (kind) {
            case PATH -> toPath(text);
            case STRING -> text.strip();
            case INT -> ConfigValues.parseInt(text);
            case NUMBER -> ConfigValues.parseNumber(text);
            case BOOLEAN -> ConfigValues.parseBoolean(text);
            case DURATION -> ConfigValues.parseDuration(text);
            case BYTE_SIZE -> ConfigValues.parseByteSize(text);
            case KEY_LIST -> Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        };
    }

    /**
     * Reads a value from the YAML file, keeping YAML's types strict: a number where a string is expected is refused
     * instead of converted, because YAML would already have mangled it (0123 is octal, 1e3 a float).
     *
     * @throws IllegalArgumentException saying what was expected and what was found
     */
    Object fromYaml(JsonNode node) {
        return switch (kind) {
            case PATH -> toPath(requireText(node, "a path"));
            case STRING -> requireText(node, "a string").strip();
            case INT -> {
                if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                    throw wrongType("a whole number", node);
                }
                yield node.intValue();
            }
            case NUMBER -> {
                if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
                    throw wrongType("a number", node);
                }
                yield node.doubleValue();
            }
            case BOOLEAN -> {
                if (!node.isBoolean()) {
                    throw wrongType("true or false", node);
                }
                yield node.booleanValue();
            }
            case DURATION -> ConfigValues.parseDuration(requireText(node, "a duration such as 60s, 2m or PT30S"));
            case BYTE_SIZE -> {
                if (node.isIntegralNumber() && node.canConvertToLong()) {
                    yield node.longValue();
                }
                yield ConfigValues.parseByteSize(requireText(node, "a size such as 8m or 1048576"));
            }
            case KEY_LIST -> keyList(node);
        };
    }

    void apply(ServerConfig.Builder b, Object value) {
        switch (this) {
            case MODEL -> b.model((Path) value);
            case HOST -> b.host((String) value);
            case PORT -> b.port((Integer) value);
            case DEVICE -> b.device((String) value);
            case DTYPE -> b.dtype((String) value);
            case MAX_BATCH -> b.maxBatch((Integer) value);
            case MAX_MODEL_LEN -> b.maxModelLen((Integer) value);
            case QUEUE_SIZE -> b.queueSize((Integer) value);
            case REQUEST_TIMEOUT -> b.requestTimeout((Duration) value);
            case MAX_BODY -> b.maxBodyBytes((Long) value);
            case API_KEY -> b.apiKeys(castKeys(value));
            case ADMIN_KEY -> b.adminKey((String) value);
            case ADAPTERS -> b.adapters((Path) value);
            case SHUTDOWN_GRACE -> b.shutdownGrace((Duration) value);
            case MAX_LORAS -> b.maxLoras((Integer) value);
            case PREFILL_CHUNK -> b.prefillChunk((Integer) value);
            case ADAPTER_CACHE_BYTES -> b.adapterCacheBytes((Long) value);
            case ADAPTER_LOAD_THREADS -> b.adapterLoadThreads((Integer) value);
            case ADAPTER_LOAD_QUEUE -> b.adapterLoadQueue((Integer) value);
            case MAX_LORA_RANK -> b.maxLoraRank((Integer) value);
            case PIN_ADAPTERS -> b.pinAdapters(castKeys(value));
            case MAX_ADAPTER_BYTES -> b.maxAdapterBytes((Long) value);
            case DATA_DIR -> b.dataDir((Path) value);
            case MAX_FILE_BYTES -> b.maxFileBytes((Long) value);
            case TRAINING_DUTY_CYCLE -> b.trainingDutyCycle((Double) value);
            case WATCH -> b.watch((Path) value);
            case WATCH_ADAPTER -> b.watchAdapter((String) value);
            case TRIGGER_EXAMPLES -> b.triggerExamples((Integer) value);
            case WATCH_INTERVAL -> b.watchInterval((Duration) value);
            case WATCH_CANARY_PERCENT -> b.watchCanaryPercent((Integer) value);
            case IDLE_TIMEOUT -> b.idleTimeout((Duration) value);
            case HEADER_TIMEOUT -> b.headerTimeout((Duration) value);
            case BODY_TIMEOUT -> b.bodyTimeout((Duration) value);
            case UPLOAD_TIMEOUT -> b.uploadTimeout((Duration) value);
            case MAX_CONNECTIONS -> b.maxConnections((Integer) value);
            case MAX_BUFFERED_BODY -> b.maxBufferedBody((Long) value);
            case HTTP2 -> b.http2((Boolean) value);
            case HTTP2_MAX_STREAMS -> b.http2MaxStreams((Integer) value);
            case METRICS_KEY -> b.metricsKey((String) value);
            case AUDIT_MAX_BYTES -> b.auditMaxBytes((Long) value);
            case AUDIT_KEEP -> b.auditKeep((Integer) value);
            case AUDIT_REFUSAL_INTERVAL -> b.auditRefusalInterval((Duration) value);
            case MIN_FREE_DISK -> b.minFreeDisk((Long) value);
            case FILES_QUOTA -> b.filesQuota((Long) value);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> castKeys(Object value) {
        return (List<String>) value;
    }

    private static List<String> keyList(JsonNode node) {
        if (node.isTextual()) {
            return List.of(node.textValue());
        }
        if (!node.isArray()) {
            throw wrongType("a list of strings", node);
        }
        List<String> keys = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isTextual()) {
                throw new IllegalArgumentException("item " + (i + 1) + ": expected a string, got " + describe(item)
                        + quoteHint(item));
            }
            keys.add(item.textValue());
        }
        return keys;
    }

    private static String requireText(JsonNode node, String expected) {
        if (!node.isTextual()) {
            throw wrongType(expected, node);
        }
        return node.textValue();
    }

    private static IllegalArgumentException wrongType(String expected, JsonNode node) {
        return new IllegalArgumentException("expected " + expected + ", got " + describe(node) + quoteHint(node));
    }

    private static String quoteHint(JsonNode node) {
        return node.isNumber() || node.isBoolean() ? " (put the value in quotes if it is meant as text)" : "";
    }

    private static String describe(JsonNode node) {
        if (node.isTextual()) {
            return "a string";
        }
        // Values are never echoed: the option might be a key.
        if (node.isNumber()) {
            return node.isIntegralNumber() ? "a whole number" : "a number with a fraction";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.isObject() ? "a mapping" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static Path toPath(String text) {
        try {
            return Path.of(text.strip());
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid path: " + e.getReason());
        }
    }
}
