package dev.scion.engine.constrain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Compiled constraints of one vocabulary by a caller's key (say {@code "json_schema:" + canonical schema}), so
 * requests with the same schema share one {@link GrammarConstraint} and with it the token masks already computed.
 * Least recently used entries go beyond {@code capacity}; each holds at most {@link TokenMasks#CACHE_BYTES} of masks.
 * Thread-safe; a compile that fails is not cached and throws to each caller.
 */
public final class ConstraintCache {
    private final TokenTrie trie;
    private final Map<String, GrammarConstraint> entries;

    public ConstraintCache(TokenTrie trie, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.trie = trie;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, GrammarConstraint> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The constraint cached under {@code key}, compiling it with {@code compile} when absent. */
    public GrammarConstraint get(String key, Supplier<Grammar> compile) {
        synchronized (entries) {
            GrammarConstraint hit = entries.get(key);
            if (hit != null) {
                return hit;
            }
        }
        GrammarConstraint compiled = Constraint.of(compile.get(), trie); // outside the lock: compiles may take ms
        synchronized (entries) {
            GrammarConstraint raced = entries.get(key);
            if (raced != null) {
                return raced;
            }
            entries.put(key, compiled);
            return compiled;
        }
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    public TokenTrie trie() {
        return trie;
    }
}
