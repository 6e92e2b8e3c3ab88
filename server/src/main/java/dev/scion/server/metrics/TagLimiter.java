package dev.scion.server.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds how many distinct values one tag may take. Tag values such as the model name can originate in client
 * requests; without a bound, a client sending random names would create a new time series per request and grow the
 * registry (and every scrape) without limit. Past the bound, new values are reported as {@link #OVERFLOW}.
 */
final class TagLimiter {
    static final String OVERFLOW = "other";
    static final String NONE = "none";

    private final int maxValues;
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();

    TagLimiter(int maxValues) {
        this.maxValues = maxValues;
    }

    /** The value to tag with: {@code value} itself while room remains or once admitted, else "other". */
    String admit(String value) {
        if (value == null || value.isEmpty()) {
            return NONE;
        }
        if (admitted.contains(value)) {
            return value;
        }
        // Concurrent callers may overshoot the bound by a few values; that is harmless, unbounded growth is not.
        if (admitted.size() >= maxValues) {
            return OVERFLOW;
        }
        admitted.add(value);
        return value;
    }
}
