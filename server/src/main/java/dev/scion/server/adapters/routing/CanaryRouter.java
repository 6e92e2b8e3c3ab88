package dev.scion.server.adapters.routing;

import dev.scion.engine.store.Routing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Chooses the version one request runs on under an adapter's {@link Routing}; a pure function. */
public final class CanaryRouter {
    private CanaryRouter() {}

    /**
     * @param routing the adapter's routing
     * @param latest the adapter's newest version, which a routing without a stable version serves
     * @param stickyKey the request's {@code user} field or {@code X-Session-Id} header, null if none
     * @param random a uniform draw from [0, 1), used only when the choice is not sticky
     * @return the stable or the canary version
     */
    public static int pick(Routing routing, int latest, String stickyKey, double random) {
        if (!(random >= 0 && random < 1)) {
            throw new IllegalArgumentException("random draw must be within [0, 1), got " + random);
        }
        int stable = routing.effectiveStable(latest);
        if (routing.canary() == null || routing.canaryPercent() == 0) {
            return stable;
        }
        boolean toCanary = routing.isSticky() && stickyKey != null
                ? bucket(stickyKey) < routing.canaryPercent()
                : random * 100 < routing.canaryPercent();
        return toCanary ? routing.canary() : stable;
    }

    /**
     * The key's bucket in [0, 100): the first 8 bytes of its SHA-256, as an unsigned number, modulo
     * 100. Stable across processes and JVMs (unlike String.hashCode, whose 32 bits also cluster for
     * similar strings), and a user in the canary at 10% stays in it when the percent grows.
     */
    static int bucket(String stickyKey) {
        byte[] digest = sha256().digest(stickyKey.getBytes(StandardCharsets.UTF_8));
        long high = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (digest[i] & 0xff);
        }
        return (int) Long.remainderUnsigned(high, 100);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
