package dev.scion.engine.store;

import java.math.BigDecimal;

/**
 * When a canary rolls itself back: once it has served at least {@code minRequests}, an error rate above
 * {@code maxErrorRate} removes it (a rate equal to the bound is tolerated, so 1 never rolls back).
 */
public record AutoRollback(double maxErrorRate, int minRequests) {

    /** What a routing that gives no {@code min_requests} gets: enough requests that one early error is noise. */
    public static final int DEFAULT_MIN_REQUESTS = 100;

    public AutoRollback {
        if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
            throw new InvalidRoutingException("auto_rollback.max_error_rate",
                    "auto_rollback.max_error_rate must be between 0 and 1, got " + maxErrorRate);
        }
        if (minRequests < 1) {
            throw new InvalidRoutingException("auto_rollback.min_requests",
                    "auto_rollback.min_requests must be at least 1, got " + minRequests);
        }
    }

    /**
     * Whether these counts call for a rollback: {@code errors / requests > maxErrorRate}, compared as
     * {@code errors > maxErrorRate * requests} in decimal arithmetic on the rate as written, so binary rounding
     * (0.29 * 100 = 28.999...) cannot move the bound by one request.
     */
    public boolean exceededBy(long requests, long errors) {
        if (requests < minRequests) {
            return false;
        }
        BigDecimal allowed = BigDecimal.valueOf(maxErrorRate).multiply(BigDecimal.valueOf(requests));
        return BigDecimal.valueOf(errors).compareTo(allowed) > 0;
    }
}
