package dev.scion.engine.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Path;

/** {@code routing.json}, in the field names of the routing endpoint ({@code canary_percent}, ...). */
final class RoutingJson {

    static final String FILE_NAME = "routing.json";

    private RoutingJson() {}

    static byte[] toBytes(Routing r) throws IOException {
        ObjectNode o = ManifestJson.JSON.createObjectNode();
        putVersion(o, "stable", r.stable());
        putVersion(o, "canary", r.canary());
        o.put("canary_percent", r.canaryPercent());
        if (r.sticky() == null) {
            o.putNull("sticky");
        } else {
            o.put("sticky", r.sticky());
        }
        if (r.autoRollback() == null) {
            o.putNull("auto_rollback");
        } else {
            ObjectNode a = o.putObject("auto_rollback");
            a.put("max_error_rate", r.autoRollback().maxErrorRate());
            a.put("min_requests", r.autoRollback().minRequests());
        }
        return ManifestJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
    }

    private static void putVersion(ObjectNode o, String field, Integer version) {
        if (version == null) {
            o.putNull(field);
        } else {
            o.put(field, version);
        }
    }

    static Routing read(Path file) throws IOException {
        JsonNode o;
        try {
            o = ManifestJson.JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            throw new ModelFormatException(file + ": invalid JSON: " + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) {
            throw new ModelFormatException(file + ": expected a JSON object");
        }
        try {
            JsonNode a = o.get("auto_rollback");
            AutoRollback autoRollback = a == null || a.isNull() ? null
                    : new AutoRollback(number(file, a, "max_error_rate"), integer(file, a, "min_requests"));
            JsonNode sticky = o.get("sticky");
            if (sticky != null && !sticky.isNull() && !sticky.isTextual()) {
                throw new ModelFormatException(file + ": sticky must be a string or null");
            }
            return new Routing(version(file, o, "stable"), version(file, o, "canary"),
                    integer(file, o, "canary_percent"), sticky == null || sticky.isNull() ? null : sticky.textValue(),
                    autoRollback);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage());
        }
    }

    private static Integer version(Path file, JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        return integer(file, o, field);
    }

    // Whole numbers only: a truncated 2.7 or a wrapped 2^32 + 1 would route to a version nobody chose.
    private static int integer(Path file, JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ModelFormatException(file + ": " + field + " must be a whole number");
        }
        return v.intValue();
    }

    private static double number(Path file, JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isNumber()) {
            throw new ModelFormatException(file + ": " + field + " must be a number");
        }
        return v.doubleValue();
    }
}
