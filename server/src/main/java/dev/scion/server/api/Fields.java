package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.server.errors.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of request fields. Every failure is an {@link InvalidRequestException} naming the field; an explicit
 * JSON null counts as absent, as in OpenAI's API. {@code name} is the key inside {@code object}; {@code param} is the
 * path reported to the client (the same for top-level fields, e.g. "messages[1].content" for nested ones).
 */
final class Fields {

    private static final ObjectMapper PLAIN = new ObjectMapper();

    private Fields() {}

    static void requireObjectBody(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new InvalidRequestException("the request body must be a JSON object", null);
        }
    }

    /** The value, or null when the key is absent or null. */
    static JsonNode value(JsonNode object, String name) {
        JsonNode v = object.get(name);
        return v == null || v.isNull() ? null : v;
    }

    static boolean present(JsonNode object, String name) {
        return value(object, name) != null;
    }

    static String requiredString(JsonNode object, String name, String param) {
        String s = optionalString(object, name, param);
        if (s == null) {
            throw new InvalidRequestException(param + " is required", param);
        }
        return s;
    }

    static String requiredNonEmptyString(JsonNode object, String name, String param) {
        String s = requiredString(object, name, param);
        if (s.isEmpty()) {
            throw new InvalidRequestException(param + " must not be empty", param);
        }
        return s;
    }

    static String optionalString(JsonNode object, String name, String param) {
        JsonNode v = value(object, name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidRequestException(param + " must be a string", param);
        }
        return v.textValue();
    }

    static boolean bool(JsonNode object, String name, boolean absent) {
        JsonNode v = value(object, name);
        if (v == null) {
            return absent;
        }
        if (!v.isBoolean()) {
            throw new InvalidRequestException(name + " must be a boolean", name);
        }
        return v.booleanValue();
    }

    /** A number in [min, max]. */
    static double number(JsonNode object, String name, double absent, double min, double max) {
        JsonNode v = value(object, name);
        if (v == null) {
            return absent;
        }
        if (!v.isNumber()) {
            throw new InvalidRequestException(name + " must be a number", name);
        }
        double d = v.doubleValue();
        if (!(d >= min && d <= max)) {
            throw new InvalidRequestException(name + " must be between " + plain(min) + " and " + plain(max)
                    + ", got " + v.asText(), name);
        }
        return d;
    }

    /** An integer in [min, max], or null when absent. Fractional numbers are refused, not truncated. */
    static Integer optionalInt(JsonNode object, String name, String param, long min, long max) {
        JsonNode v = value(object, name);
        if (v == null) {
            return null;
        }
        long l = integer(v, param);
        if (l < min || l > max) {
            throw new InvalidRequestException(param + " must be " + range(min, max) + ", got " + v.asText(), param);
        }
        return (int) l;
    }

    static Long optionalLong(JsonNode object, String name) {
        JsonNode v = value(object, name);
        return v == null ? null : integer(v, name);
    }

    static long integer(JsonNode v, String param) {
        if (!v.isIntegralNumber()) {
            throw new InvalidRequestException(param + " must be an integer", param);
        }
        if (!v.canConvertToLong()) {
            throw new InvalidRequestException(param + " is out of range, got " + v.asText(), param);
        }
        return v.longValue();
    }

    static JsonNode optionalObject(JsonNode object, String name, String param) {
        JsonNode v = value(object, name);
        if (v != null && !v.isObject()) {
            throw new InvalidRequestException(param + " must be an object", param);
        }
        return v;
    }

    static JsonNode optionalArray(JsonNode object, String name, String param) {
        JsonNode v = value(object, name);
        if (v != null && !v.isArray()) {
            throw new InvalidRequestException(param + " must be an array", param);
        }
        return v;
    }

    /** A JSON object as plain Java maps, lists, strings, numbers and booleans, e.g. for the chat template. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> toMap(JsonNode object) {
        return PLAIN.convertValue(object, Map.class);
    }

    static Object toPlain(JsonNode node) {
        return PLAIN.convertValue(node, Object.class);
    }

    /** An array of objects as plain Java maps; each element must be an object. */
    static List<Map<String, Object>> objectList(JsonNode array, String param) {
        List<Map<String, Object>> list = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonNode element = array.get(i);
            if (!element.isObject()) {
                throw new InvalidRequestException(param + "[" + i + "] must be an object", param + "[" + i + "]");
            }
            list.add(toMap(element));
        }
        return list;
    }

    private static String range(long min, long max) {
        if (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) {
            return "at least " + min;
        }
        return "between " + min + " and " + max;
    }

    private static String plain(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
