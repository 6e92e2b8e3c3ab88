package dev.scion.engine.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.lora.ResolvedModules;
import dev.scion.engine.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes {@code manifest.json}; a manifest that does not read back exactly is refused, naming the field. */
final class ManifestJson {

    static final String FILE_NAME = "manifest.json";
    static final int FORMAT = 1;

    static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {};

    private ManifestJson() {}

    static byte[] toBytes(AdapterManifest m) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("name", m.name());
        o.put("version", m.version());
        ObjectNode sha = o.putObject("sha256");
        m.sha256().forEach(sha::put);
        o.put("size_bytes", m.sizeBytes());
        o.put("rank", m.rank());
        m.targets().forEach(o.putArray("targets")::add);
        o.put("base_fingerprint", m.baseFingerprint());
        o.put("created", m.created().toString());
        o.put("source", m.source().jsonName());
        o.set("metrics", JSON.valueToTree(m.metrics()));
        if (m.modules() != null) {
            ObjectNode modules = o.putObject("modules");
            m.modules().modules().forEach((path, module) -> modules.putObject(path).put("rank", module.rank())
                    .put("scaling", module.scaling()));
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
    }

    /**
     * Metrics as they will read back from the file (numbers as Integer/Long/Double, lists, maps), so the
     * manifest publish returns equals the one read later. Refuses what JSON cannot hold.
     */
    static Map<String, Object> normalizeMetrics(Map<String, Object> metrics) {
        if (metrics == null) {
            return Map.of();
        }
        for (Map.Entry<String, Object> e : metrics.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("metrics: a metric needs a non-empty name");
            }
            checkMetricValue(e.getKey(), e.getValue());
        }
        try {
            return JSON.readValue(JSON.writeValueAsBytes(metrics), OBJECT);
        } catch (IOException e) {
            throw new IllegalArgumentException("metrics: not representable as JSON: " + e.getMessage(), e);
        }
    }

    private static void checkMetricValue(String key, Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long) {
            return;
        }
        if (value instanceof Double || value instanceof Float) {
            if (!Double.isFinite(((Number) value).doubleValue())) {
                throw new IllegalArgumentException("metrics." + key + " is " + value + "; JSON holds finite numbers only");
            }
            return;
        }
        if (value instanceof List<?> list) {
            for (Object item : list) {
                checkMetricValue(key, item);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new IllegalArgumentException("metrics." + key + ": nested keys must be strings");
                }
                checkMetricValue(key + "." + e.getKey(), e.getValue());
            }
            return;
        }
        throw new IllegalArgumentException("metrics." + key + " is a " + value.getClass().getSimpleName()
                + "; use strings, booleans, integers, finite numbers, lists or maps");
    }

    static AdapterManifest read(Path file) throws IOException {
        JsonNode o;
        try {
            o = JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new ModelFormatException(file + ": invalid JSON: " + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) {
            throw new ModelFormatException(file + ": expected a JSON object");
        }
        if (integer(file, o, "format") != FORMAT) {
            throw new ModelFormatException(file + ": format " + o.get("format") + " is not supported; expected "
                    + FORMAT);
        }
        Map<String, String> sha = new LinkedHashMap<>();
        JsonNode shaNode = field(file, o, "sha256");
        if (!shaNode.isObject()) {
            throw new ModelFormatException(file + ": sha256 must be an object of file name to hex digest");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = shaNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual() || !e.getValue().asText().matches("[0-9a-f]{64}")) {
                throw new ModelFormatException(file + ": sha256." + e.getKey() + " must be 64 lower-case hex digits");
            }
            sha.put(e.getKey(), e.getValue().asText());
        }
        JsonNode targetsNode = field(file, o, "targets");
        if (!targetsNode.isArray()) {
            throw new ModelFormatException(file + ": targets must be an array of module names");
        }
        List<String> targets = new ArrayList<>();
        targetsNode.forEach(t -> targets.add(t.asText()));
        Instant created;
        try {
            created = Instant.parse(text(file, o, "created"));
        } catch (DateTimeParseException e) {
            throw new ModelFormatException(file + ": created must be an ISO-8601 instant, got " + o.get("created"));
        }
        PublishSource source = PublishSource.fromJsonName(text(file, o, "source"));
        if (source == null) {
            throw new ModelFormatException(file + ": source must be upload, trainer or load, got " + o.get("source"));
        }
        JsonNode metricsNode = field(file, o, "metrics");
        if (!metricsNode.isObject()) {
            throw new ModelFormatException(file + ": metrics must be an object");
        }
        Map<String, Object> metrics = JSON.convertValue(metricsNode, OBJECT);
        JsonNode size = field(file, o, "size_bytes");
        if (!size.canConvertToLong() || !size.isIntegralNumber() || size.asLong() < 0) {
            throw new ModelFormatException(file + ": size_bytes must be a non-negative integer");
        }
        return new AdapterManifest(text(file, o, "name"), integer(file, o, "version"), sha, size.asLong(),
                integer(file, o, "rank"), targets, text(file, o, "base_fingerprint"), created, source, metrics,
                modules(file, o.get("modules")));
    }

    /** The resolved modules; absent in manifests written before they were kept. */
    private static ResolvedModules modules(Path file, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new ModelFormatException(file + ": modules must be an object of module path to rank and scaling");
        }
        Map<String, ResolvedModules.Module> modules = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode rank = e.getValue().get("rank");
            JsonNode scaling = e.getValue().get("scaling");
            if (rank == null || !rank.isIntegralNumber() || !rank.canConvertToInt() || scaling == null
                    || !scaling.isNumber()) {
                throw new ModelFormatException(file + ": modules." + e.getKey() + " must hold an integer rank and a"
                        + " number scaling");
            }
            modules.put(e.getKey(), new ResolvedModules.Module(rank.intValue(), scaling.doubleValue()));
        }
        try {
            return new ResolvedModules(modules);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": modules: " + e.getMessage());
        }
    }

    private static JsonNode field(Path file, JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            throw new ModelFormatException(file + ": missing field " + name);
        }
        return v;
    }

    private static String text(Path file, JsonNode o, String name) {
        JsonNode v = field(file, o, name);
        if (!v.isTextual()) {
            throw new ModelFormatException(file + ": " + name + " must be a string");
        }
        return v.asText();
    }

    private static int integer(Path file, JsonNode o, String name) {
        JsonNode v = field(file, o, name);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ModelFormatException(file + ": " + name + " must be an integer");
        }
        return v.asInt();
    }
}
