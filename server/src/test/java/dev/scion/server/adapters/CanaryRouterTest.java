package dev.scion.server.adapters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CanaryRouterTest {
    private static final RoutingPolicy STICKY_30 = new RoutingPolicy(3, 4, 30, true);

    @Test
    void bucketsAreTheFirstEightBytesOfSha256ModuloHundred() {
        // computed independently: int.from_bytes(sha256(key).digest()[:8], "big") % 100
        assertEquals(7, CanaryRouter.bucket("alice"));
        assertEquals(50, CanaryRouter.bucket("bob"));
        assertEquals(29, CanaryRouter.bucket("user-42"));
        assertEquals(4, CanaryRouter.pick(new RoutingPolicy(3, 4, 8, true), "alice", 0.99), "bucket 7 < 8");
        assertEquals(3, CanaryRouter.pick(new RoutingPolicy(3, 4, 7, true), "alice", 0.0), "bucket 7 is not < 7");
    }

    @Test
    void stickyUsersNeverChangeVersionWhateverTheDraw() {
        SplittableRandom random = new SplittableRandom(1);
        for (int user = 0; user < 2000; user++) {
            String key = "user-" + user;
            int first = CanaryRouter.pick(STICKY_30, key, random.nextDouble());
            for (int again = 0; again < 5; again++) {
                assertEquals(first, CanaryRouter.pick(STICKY_30, key, random.nextDouble()), key);
            }
        }
    }

    @Test
    void stickySplitOverManyUsersMatchesThePercent() {
        for (int percent : new int[] {1, 10, 30, 50, 90, 99}) {
            RoutingPolicy policy = new RoutingPolicy(1, 2, percent, true);
            SplittableRandom random = new SplittableRandom(percent);
            int n = 10_000;
            int canary = 0;
            for (int i = 0; i < n; i++) {
                String user = Long.toHexString(random.nextLong()); // random user ids
                if (CanaryRouter.pick(policy, user, 0.5) == 2) {
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
            boolean atTen = CanaryRouter.pick(new RoutingPolicy(1, 2, 10, true), key, 0) == 2;
            boolean atTwenty = CanaryRouter.pick(new RoutingPolicy(1, 2, 20, true), key, 0) == 2;
            assertTrue(!atTen || atTwenty, key + " left the canary when it grew");
        }
    }

    @Test
    void withoutStickinessOrKeyTheDrawDecides() {
        RoutingPolicy random10 = new RoutingPolicy(5, 6, 10, false);
        assertEquals(6, CanaryRouter.pick(random10, "alice", 0.0999));
        assertEquals(5, CanaryRouter.pick(random10, "alice", 0.1));
        assertEquals(5, CanaryRouter.pick(random10, "bob", 0.7));
        RoutingPolicy sticky10 = new RoutingPolicy(5, 6, 10, true);
        assertEquals(6, CanaryRouter.pick(sticky10, null, 0.05), "no key: the draw");
        assertEquals(5, CanaryRouter.pick(sticky10, null, 0.5));

        SplittableRandom random = new SplittableRandom(7);
        int n = 10_000;
        int canary = 0;
        for (int i = 0; i < n; i++) {
            if (CanaryRouter.pick(random10, null, random.nextDouble()) == 6) {
                canary++;
            }
        }
        assertWithinThreeSigma(n, 10, canary);
    }

    @Test
    void zeroAndHundredPercentAreAbsolute() {
        RoutingPolicy none = new RoutingPolicy(2, 3, 0, true);
        RoutingPolicy all = new RoutingPolicy(2, 3, 100, true);
        RoutingPolicy allRandom = new RoutingPolicy(2, 3, 100, false);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 2000; i++) {
            String user = "user-" + i;
            double draw = i == 0 ? Math.nextDown(1.0) : random.nextDouble();
            assertEquals(2, CanaryRouter.pick(none, user, draw));
            assertEquals(2, CanaryRouter.pick(new RoutingPolicy(2, 3, 0, false), null, draw));
            assertEquals(3, CanaryRouter.pick(all, user, draw));
            assertEquals(3, CanaryRouter.pick(allRandom, null, draw));
        }
        assertEquals(9, CanaryRouter.pick(RoutingPolicy.stableOnly(9), "alice", 0.0));
    }

    @Test
    void drawsOutsideTheUnitIntervalAreRejected() {
        for (double bad : new double[] {1.0, -0.01, Double.NaN, 2}) {
            var e = assertThrows(IllegalArgumentException.class, () -> CanaryRouter.pick(STICKY_30, "a", bad));
            assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
        }
    }

    @Test
    void badPoliciesAreRejectedNamingTheField() {
        assertRejected("stable", () -> new RoutingPolicy(0, null, 0, false));
        assertRejected("canary", () -> new RoutingPolicy(1, 0, 10, false));
        assertRejected("canary must differ from stable", () -> new RoutingPolicy(4, 4, 10, false));
        assertRejected("canary_percent", () -> new RoutingPolicy(1, 2, 101, false));
        assertRejected("canary_percent", () -> new RoutingPolicy(1, 2, -1, false));
        assertRejected("no canary version", () -> new RoutingPolicy(1, null, 10, false));
        assertRejected("no canary to promote", () -> RoutingPolicy.stableOnly(1).promote());
        assertRejected("no canary to roll back", () -> RoutingPolicy.stableOnly(1).rollback());
    }

    @Test
    void promoteAndRollbackEndTheSplit() {
        assertEquals(RoutingPolicy.stableOnly(4), STICKY_30.promote());
        assertEquals(RoutingPolicy.stableOnly(3), STICKY_30.rollback());
    }

    private static void assertWithinThreeSigma(int n, int percent, int observed) {
        double p = percent / 100.0;
        double mean = n * p;
        double sigma = Math.sqrt(n * p * (1 - p));
        assertTrue(Math.abs(observed - mean) <= 3 * sigma,
                percent + "%: " + observed + " of " + n + " on the canary, expected " + mean + " ± " + 3 * sigma);
    }

    private static void assertRejected(String fragment, Runnable construct) {
        RuntimeException e = assertThrows(RuntimeException.class, construct::run);
        assertTrue(e instanceof IllegalArgumentException || e instanceof IllegalStateException, e.toString());
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention " + fragment);
    }
}
