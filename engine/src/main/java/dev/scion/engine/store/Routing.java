package dev.scion.engine.store;

/**
 * Which version of one adapter new requests get: the one routing model, persisted by the store as
 * {@code routing.json} and served by the server. A rule broken is an {@link InvalidRoutingException} naming
 * the field.
 *
 * @param stable the version most requests get; null means the latest version, so a new publish takes over
 * @param canary a version that gets {@code canaryPercent} of requests; null when there is none
 * @param canaryPercent 0..100; 0 without a canary
 * @param sticky "user" to keep one user (the request's {@code user} or session id) on one version; null for a
 *     random split
 * @param autoRollback when the canary removes itself; null for never
 */
public record Routing(Integer stable, Integer canary, int canaryPercent, String sticky, AutoRollback autoRollback) {

    public static final String STICKY_USER = "user";

    /** Every request on the latest version. */
    public static final Routing LATEST = new Routing(null, null, 0, null, null);

    public Routing {
        if (stable != null && stable < 1) {
            throw new InvalidRoutingException("stable", "stable must be a version (1 or more), got " + stable);
        }
        if (canary != null) {
            if (canary < 1) {
                throw new InvalidRoutingException("canary", "canary must be a version (1 or more), got " + canary);
            }
            // With stable meaning "latest", a publish would move the stable side under a running canary.
            if (stable == null) {
                throw new InvalidRoutingException("stable", "a canary needs an explicit stable version; stable null"
                        + " means the latest version, which a publish would change under the canary");
            }
            if (canary.equals(stable)) {
                throw new InvalidRoutingException("canary", "canary " + canary + " is also the stable version");
            }
        }
        if (canaryPercent < 0 || canaryPercent > 100) {
            throw new InvalidRoutingException("canary_percent", "canary_percent must be between 0 and 100, got "
                    + canaryPercent);
        }
        if (canary == null && canaryPercent != 0) {
            throw new InvalidRoutingException("canary_percent", "canary_percent is " + canaryPercent
                    + " but no canary is set");
        }
        if (sticky != null && !sticky.equals(STICKY_USER)) {
            throw new InvalidRoutingException("sticky", "sticky must be \"" + STICKY_USER + "\" or absent, got \""
                    + sticky + "\"");
        }
    }

    /** The version the stable side serves when {@code latest} is the newest version. */
    public int effectiveStable(int latest) {
        return stable != null ? stable : latest;
    }

    public boolean isSticky() {
        return sticky != null;
    }

    /** The same routing with the stable side pinned to {@code version} (the split, stickiness and bound kept). */
    public Routing withStable(int version) {
        return new Routing(version, canary, canaryPercent, sticky, autoRollback);
    }

    /** The canary becomes the stable version and the split ends; stickiness and the rollback bound stay. */
    public Routing promoted() {
        if (canary == null) {
            throw new IllegalStateException("there is no canary to promote");
        }
        return new Routing(canary, null, 0, sticky, autoRollback);
    }

    /** The canary is dropped and every request goes to the stable side; stickiness and the bound stay. */
    public Routing withoutCanary() {
        return new Routing(stable, null, 0, sticky, autoRollback);
    }
}
