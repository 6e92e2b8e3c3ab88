package dev.scion.engine.store;

/**
 * When a canary rolls itself back: once it has served at least {@code minRequests}, an error rate above
 * {@code maxErrorRate} removes it.
 */
public record AutoRollback(double maxErrorRate, int minRequests) {
    public AutoRollback {
        if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
            throw new IllegalArgumentException("auto_rollback.max_error_rate must be between 0 and 1, got "
                    + maxErrorRate);
        }
        if (minRequests < 1) {
            throw new IllegalArgumentException("auto_rollback.min_requests must be at least 1, got " + minRequests);
        }
    }
}
