package dev.scion.server.adapters.routing;

import dev.scion.server.adapters.cache.AdapterKey;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which adapter versions keep failing through their own fault (non-finite logits, a version that
 * cannot be loaded): after {@code threshold} such failures in a row a version is unhealthy, until it
 * serves a request without error again. Failures that are not the adapter's (a failed engine step)
 * neither count nor reset. This process's view only, never stored. Thread-safe.
 */
public final class AdapterHealth {
    /** Consecutive faults that make a version unhealthy by default. */
    public static final int DEFAULT_THRESHOLD = 3;

    /** An unhealthy version: the last fault's reason and the faults in a row so far. */
    public record Unhealthy(int version, String reason, long consecutiveFaults) {}

    private final int threshold;
    private final Map<AdapterKey, State> states = new ConcurrentHashMap<>();

    public AdapterHealth(int threshold) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1");
        }
        this.threshold = threshold;
    }

    private static final class State {
        long consecutive;
        boolean unhealthy;
        String reason;
    }

    /** Records a failure the version itself caused; true exactly when this one makes it unhealthy. */
    public boolean fault(AdapterKey key, String reason) {
        State s = states.computeIfAbsent(key, k -> new State());
        synchronized (s) {
            s.consecutive++;
            s.reason = reason;
            if (s.unhealthy || s.consecutive < threshold) {
                return false;
            }
            s.unhealthy = true;
            return true;
        }
    }

    /** Records a request served without error; true exactly when the version was unhealthy until now. */
    public boolean served(AdapterKey key) {
        State s = states.get(key);
        if (s == null) {
            return false;
        }
        synchronized (s) {
            boolean was = s.unhealthy;
            s.consecutive = 0;
            s.unhealthy = false;
            s.reason = null;
            return was;
        }
    }

    public boolean isUnhealthy(AdapterKey key) {
        State s = states.get(key);
        if (s == null) {
            return false;
        }
        synchronized (s) {
            return s.unhealthy;
        }
    }

    /** The unhealthy versions of {@code name}, ascending. */
    public List<Unhealthy> unhealthy(String name) {
        return states.entrySet().stream()
                .filter(e -> e.getKey().name().equals(name))
                .map(e -> {
                    State s = e.getValue();
                    synchronized (s) {
                        return s.unhealthy ? new Unhealthy(e.getKey().version(), s.reason, s.consecutive) : null;
                    }
                })
                .filter(java.util.Objects::nonNull)
                .sorted(Comparator.comparingInt(Unhealthy::version))
                .toList();
    }

    /** Forgets a version (deleted), or with {@code version} null every version of a name (unloaded). */
    public void forget(String name, Integer version) {
        states.keySet().removeIf(k -> k.name().equals(name) && (version == null || k.version() == version));
    }
}
