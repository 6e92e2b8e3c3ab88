package dev.scion.server.adapters.routing;

import dev.scion.engine.store.AutoRollback;
import dev.scion.server.adapters.cache.AdapterKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts requests and errors per adapter version since its counts were last reset (cumulative: a
 * canary is judged on everything it served since it became the canary) and says when a canary
 * crosses its routing's {@link AutoRollback}. Thread-safe; the verdict for one version is given once,
 * so concurrent requests never roll the same canary back twice.
 */
public final class AutoRollbackMonitor {
    private final Map<AdapterKey, Counter> counters = new ConcurrentHashMap<>();

    /** Requests and errors of one version. */
    public record Counts(long requests, long errors) {
        public double errorRate() {
            return requests == 0 ? 0 : (double) errors / requests;
        }
    }

    /**
     * Records one finished request on {@code version}.
     *
     * @param policy the bound to judge it by, or null to count only (a stable version, or no auto-rollback)
     * @return true exactly once per version and reset: on the request that makes the counts exceed the policy
     */
    public boolean record(AdapterKey version, boolean failed, AutoRollback policy) {
        return counters.computeIfAbsent(version, k -> new Counter()).record(failed, policy);
    }

    public Counts counts(AdapterKey version) {
        Counter counter = counters.get(version);
        return counter == null ? new Counts(0, 0) : counter.snapshot();
    }

    /** Starts a version's counts afresh, e.g. when it becomes the canary of a new routing. */
    public void reset(AdapterKey version) {
        counters.remove(version);
    }

    private static final class Counter {
        private long requests;
        private long errors;
        private boolean tripped;

        synchronized boolean record(boolean failed, AutoRollback policy) {
            requests++;
            if (failed) {
                errors++;
            }
            if (tripped || policy == null || !policy.exceededBy(requests, errors)) {
                return false;
            }
            tripped = true;
            return true;
        }

        synchronized Counts snapshot() {
            return new Counts(requests, errors);
        }
    }
}
