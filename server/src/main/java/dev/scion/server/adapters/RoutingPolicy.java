package dev.scion.server.adapters;

/**
 * How requests for an adapter name are split between its versions: all to {@code stable}, or
 * {@code canaryPercent} percent to {@code canary}. With {@code sticky}, a request's user (or session)
 * decides its side, so one user stays on one version while the policy is unchanged. Field names in
 * messages are those of the routing JSON ({@code canary_percent}).
 */
public record RoutingPolicy(int stable, Integer canary, int canaryPercent, boolean sticky) {
    public RoutingPolicy {
        if (stable < 1) {
            throw new IllegalArgumentException("routing: stable must be a version (1 or more), got " + stable);
        }
        if (canaryPercent < 0 || canaryPercent > 100) {
            throw new IllegalArgumentException("routing: canary_percent must be within 0..100, got " + canaryPercent);
        }
        if (canary == null) {
            if (canaryPercent != 0) {
                throw new IllegalArgumentException("routing: canary_percent is " + canaryPercent
                        + " but no canary version is set");
            }
        } else {
            if (canary < 1) {
                throw new IllegalArgumentException("routing: canary must be a version (1 or more), got " + canary);
            }
            if (canary == stable) {
                throw new IllegalArgumentException("routing: canary must differ from stable, both are " + stable);
            }
        }
    }

    /** Every request on one version. */
    public static RoutingPolicy stableOnly(int version) {
        return new RoutingPolicy(version, null, 0, false);
    }

    public boolean hasCanary() {
        return canary != null;
    }

    /** The canary becomes the stable version and the split ends. */
    public RoutingPolicy promote() {
        if (canary == null) {
            throw new IllegalStateException("routing: there is no canary to promote (stable is " + stable + ")");
        }
        return stableOnly(canary);
    }

    /** The canary is dropped; everything goes to the stable version. */
    public RoutingPolicy rollback() {
        if (canary == null) {
            throw new IllegalStateException("routing: there is no canary to roll back (stable is " + stable + ")");
        }
        return stableOnly(stable);
    }
}
