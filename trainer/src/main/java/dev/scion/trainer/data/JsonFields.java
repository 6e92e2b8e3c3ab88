package dev.scion.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;

/** Typed reads of JSON fields that fail with the field's path and what was found instead. */
final class JsonFields {
    private JsonFields() {}

    static String requiredString(JsonNode object, String name, String path) throws BadLineException {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            throw new BadLineException(path, "missing (a string is required)");
        }
        return string(value, path);
    }

    /** The string, or "" when the field is absent or null (optional Alpaca fields are often written as null). */
    static String optionalString(JsonNode object, String name, String path) throws BadLineException {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            return "";
        }
        return string(value, path);
    }

    static String string(JsonNode value, String path) throws BadLineException {
        if (!value.isTextual()) {
            throw new BadLineException(path, "must be a string, not " + kind(value));
        }
        return value.textValue();
    }

    static JsonNode requiredArray(JsonNode object, String name, String path) throws BadLineException {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            throw new BadLineException(path, "missing (an array is required)");
        }
        if (!value.isArray()) {
            throw new BadLineException(path, "must be an array, not " + kind(value));
        }
        return value;
    }

    static void requireObject(JsonNode value, String path) throws BadLineException {
        if (!value.isObject()) {
            throw new BadLineException(path, "must be an object, not " + kind(value));
        }
    }

    /** Refuses a field the formats define but training cannot honour, rather than ignoring what it says. */
    static void refuse(JsonNode object, String name, String path, String why) throws BadLineException {
        JsonNode value = object.get(name);
        if (value != null && !value.isNull()) {
            throw new BadLineException(path, why);
        }
    }

    static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL, MISSING -> "null";
            case BINARY -> "binary data";
        };
    }
}
