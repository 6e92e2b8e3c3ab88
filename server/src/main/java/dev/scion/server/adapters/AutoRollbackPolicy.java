package dev.scion.server.adapters;

import java.math.BigDecimal;

/**
 * When a canary is rolled back by itself: once it has served at least {@code minRequests} requests
 * and more than {@code maxErrorRate} of them failed (an error rate equal to the bound is tolerated).
 */
public record AutoRollbackPolicy(double maxErrorRate, long minRequests) {
    public AutoRollbackPolicy {
        if (!(maxErrorRate >= 0 && maxErrorRate < 1)) {
            throw new IllegalArgumentException("auto_rollback: max_error_rate must be within [0, 1), got " + maxErrorRate);
        }
        if (minRequests < 1) {
            throw new IllegalArgumentException("auto_rollback: min_requests must be 1 or more, got " + minRequests);
        }
    }

    /**
     * Whether these counts call for a rollback: {@code errors / requests > maxErrorRate}, compared
     * as {@code errors > maxErrorRate * requests} in decimal arithmetic on the rate as written, so
     * binary rounding (0.29 * 100 = 28.999...) cannot move the bound by one request.
     */
    public boolean exceededBy(long requests, long errors) {
        if (requests < minRequests) {
            return false;
        }
        BigDecimal allowed = BigDecimal.valueOf(maxErrorRate).multiply(BigDecimal.valueOf(requests));
        return BigDecimal.valueOf(errors).compareTo(allowed) > 0;
    }
}
