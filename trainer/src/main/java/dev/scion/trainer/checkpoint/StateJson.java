package dev.scion.trainer.checkpoint;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint's {@code state.json}: JSON values that read back exactly as written. Every JSON integer reads back
 * as a {@link Long} (so a seed or RNG state stays a long, whatever its size), every other number as a
 * {@link Double} with the same bits (Jackson writes Java's round-tripping decimal form). Values are normalised to
 * those types before writing ({@code Integer} to {@code Long}, {@code Float} to the {@code Double} of the same
 * value), so what a load returns equals {@link #normalise} of what was saved. NaN and infinities have no JSON form
 * and are refused, as is anything else Jackson would turn into a different kind of value on the way back.
 */
final class StateJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private StateJson() {}

    static byte[] toBytes(Map<String, Object> normalised) {
        try {
            return JSON.writeValueAsBytes(normalised);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise checkpoint state", e);
        }
    }

    /** The object in {@code bytes}, or null for JSON's null; throws with Jackson's reason for anything else. */
    static Map<String, Object> parse(byte[] bytes) throws JsonProcessingException {
        try {
            return JSON.readValue(bytes, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array cannot fail", e);
        }
    }

    /** Jackson's reason and where, without its source excerpt. */
    static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        return e.getOriginalMessage() + (at == null ? "" : " (line " + at.getLineNr() + ", column "
                + at.getColumnNr() + ")");
    }

    /** A copy holding only the types a load gives back; throws naming the path of the first value it cannot keep. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> normalise(Map<String, ?> state) {
        return (Map<String, Object>) normalise(state, "state");
    }

    private static Object normalise(Object value, String path) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Long) {
            return value;
        }
        if (value instanceof BigInteger big) {
            // Jackson reads an integer that fits a long back as a Long
            return big.bitLength() < Long.SIZE ? (Object) big.longValueExact() : big;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException(path + ": " + d + " has no JSON form; store a finite number");
            }
            return d;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException(path + ": JSON object keys are strings, not " + e.getKey());
                }
                copy.put(key, normalise(e.getValue(), path + "." + key));
            }
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                copy.add(normalise(list.get(i), path + "[" + i + "]"));
            }
            return copy;
        }
        throw new IllegalArgumentException(path + ": a " + value.getClass().getName() + " does not read back from"
                + " JSON as itself; store numbers, strings, booleans, null, lists or maps");
    }
}
