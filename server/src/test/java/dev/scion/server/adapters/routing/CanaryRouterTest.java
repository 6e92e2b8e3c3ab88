package dev.scion.server.adapters.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.store.AutoRollback;
import dev.scion.engine.store.Routing;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CanaryRouterTest {
    /** The newest version: what a routing without a stable version serves. */
    private static final int LATEST = 12;
    private static final Routing STICKY_30 = routing(3, 4, 30, true);

    @Test
    void bucketsAreTheFirstEightBytesOfSha256ModuloHundred() {
        // computed independently: int.from_bytes(sha256(key).digest()[:8], "big") % 100
        assertEquals(7, CanaryRouter.bucket("alice"));
        assertEquals(50, CanaryRouter.bucket("bob"));
        assertEquals(29, CanaryRouter.bucket("user-42"));
        assertEquals(4, CanaryRouter.pick(routing(3, 4, 8, true), LATEST, "alice", 0.99), "bucket 7 < 8");
        assertEquals(3, CanaryRouter.pick(routing(3, 4, 7, true), LATEST, "alice", 0.0), "bucket 7 is not < 7");
    }

    @Test
    void stickyUsersNeverChangeVersionWhateverTheDraw() {
        SplittableRandom random = new SplittableRandom(1);
        for (int user = 0; user < 2000; user++) {
            String key = "user-" + user;
            int first = CanaryRouter.pick(STICKY_30, LATEST, key, random.nextDouble());
            for (int again = 0; again < 5; again++) {
                assertEquals(first, CanaryRouter.pick(STICKY_30, LATEST, key, random.nextDouble()), key);
            }
        }
    }

    @Test
    void stickySplitOverManyUsersMatchesThePercent() {
        for (int percent : new int[] {1, 10, 30, 50, 90, 99}) {
            Routing policy = routing(1, 2, percent, true);
            SplittableRandom random = new SplittableRandom(percent);
            int n = 10_000;
            int canary = 0;
            for (int i = 0; i < n; i++) {
                String user = Long.toHexString(random.nextLong()); // random user ids
                if (CanaryRouter.pick(policy, LATEST, user, 0.5) == 2) {
                    canary++;
                }
            }
            assertWithinThreeSigma(n, percent, canary);
        }
    }

    @Test
    void growingThePercentOnlyMovesUsersToTheCanary() {
        for (int user = 0; user < 2000; user++) {
            String key = "u" + user;
            boolean atTen = CanaryRouter.pick(routing(1, 2, 10, true), LATEST, key, 0) == 2;
            boolean atTwenty = CanaryRouter.pick(routing(1, 2, 20, true), LATEST, key, 0) == 2;
            assertTrue(!atTen || atTwenty, key + " left the canary when it grew");
        }
    }

    @Test
    void withoutStickinessOrKeyTheDrawDecides() {
        Routing random10 = routing(5, 6, 10, false);
        assertEquals(6, CanaryRouter.pick(random10, LATEST, "alice", 0.0999));
        assertEquals(5, CanaryRouter.pick(random10, LATEST, "alice", 0.1));
        assertEquals(5, CanaryRouter.pick(random10, LATEST, "bob", 0.7));
        Routing sticky10 = routing(5, 6, 10, true);
        assertEquals(6, CanaryRouter.pick(sticky10, LATEST, null, 0.05), "no key: the draw");
        assertEquals(5, CanaryRouter.pick(sticky10, LATEST, null, 0.5));

        SplittableRandom random = new SplittableRandom(7);
        int n = 10_000;
        int canary = 0;
        for (int i = 0; i < n; i++) {
            if (CanaryRouter.pick(random10, LATEST, null, random.nextDouble()) == 6) {
                canary++;
            }
        }
        assertWithinThreeSigma(n, 10, canary);
    }

    @Test
    void zeroAndHundredPercentAreAbsolute() {
        Routing none = routing(2, 3, 0, true);
        Routing all = routing(2, 3, 100, true);
        Routing allRandom = routing(2, 3, 100, false);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 2000; i++) {
            String user = "user-" + i;
            double draw = i == 0 ? Math.nextDown(1.0) : random.nextDouble();
            assertEquals(2, CanaryRouter.pick(none, LATEST, user, draw));
            assertEquals(2, CanaryRouter.pick(routing(2, 3, 0, false), LATEST, null, draw));
            assertEquals(3, CanaryRouter.pick(all, LATEST, user, draw));
            assertEquals(3, CanaryRouter.pick(allRandom, LATEST, null, draw));
        }
        assertEquals(9, CanaryRouter.pick(routing(9, null, 0, false), LATEST, "alice", 0.0));
    }

    @Test
    void drawsOutsideTheUnitIntervalAreRejected() {
        for (double bad : new double[] {1.0, -0.01, Double.NaN, 2}) {
            var e = assertThrows(IllegalArgumentException.class, () -> CanaryRouter.pick(STICKY_30, LATEST, "a", bad));
            assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
        }
    }

    @Test
    void withoutAStableVersionTheLatestServes() {
        assertEquals(LATEST, CanaryRouter.pick(Routing.LATEST, LATEST, "alice", 0.5));
        assertEquals(3, CanaryRouter.pick(Routing.LATEST, 3, null, 0.5), "a new publish takes over at once");
    }

    @Test
    void promoteAndRollbackEndTheSplitKeepingStickinessAndTheBound() {
        AutoRollback bound = new AutoRollback(0.1, 20);
        Routing split = new Routing(3, 4, 30, Routing.STICKY_USER, bound);
        assertEquals(new Routing(4, null, 0, Routing.STICKY_USER, bound), split.promoted());
        assertEquals(new Routing(3, null, 0, Routing.STICKY_USER, bound), split.withoutCanary());
        assertThrows(IllegalStateException.class, () -> routing(1, null, 0, false).promoted());
    }

    private static Routing routing(int stable, Integer canary, int percent, boolean sticky) {
        return new Routing(stable, canary, percent, sticky ? Routing.STICKY_USER : null, null);
    }

    private static void assertWithinThreeSigma(int n, int percent, int observed) {
        double p = percent / 100.0;
        double mean = n * p;
        double sigma = Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(observed - mean) <= 3 * sigma,
                percent + "%: " + observed + " of " + n + " on the canary, expected " + mean + " ± " + 3 * sigma);
    }

}
