package dev.scion.server.adapters.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.store.AutoRollback;
import dev.scion.engine.store.InvalidRoutingException;
import dev.scion.server.adapters.cache.AdapterKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AutoRollbackMonitorTest {
    private static final AdapterKey CANARY = new AdapterKey("bot", 4);

    @Test
    void neverTriggersBeforeMinRequestsEvenIfEverythingFails() {
        AutoRollbackMonitor monitor = new AutoRollbackMonitor();
        AutoRollback policy = new AutoRollback(0.1, 50);
        for (int i = 1; i < 50; i++) {
            assertFalse(monitor.record(CANARY, true, policy), "request " + i + " is below min_requests");
        }
        assertTrue(monitor.record(CANARY, true, policy), "the 50th request reaches min_requests");
        assertFalse(monitor.record(CANARY, true, policy), "the verdict is given once");
        assertEquals(new AutoRollbackMonitor.Counts(51, 51), monitor.counts(CANARY));
    }

    @Test
    void anErrorRateEqualToTheBoundIsToleratedOneMoreErrorIsNot() {
        AutoRollbackMonitor monitor = new AutoRollbackMonitor();
        AutoRollback policy = new AutoRollback(0.1, 50);
        for (int i = 0; i < 45; i++) {
            assertFalse(monitor.record(CANARY, false, policy));
        }
        for (int i = 0; i < 5; i++) {
            assertFalse(monitor.record(CANARY, true, policy), "5 of 50 is exactly 10%");
        }
        assertEquals(0.1, monitor.counts(CANARY).errorRate());
        assertFalse(monitor.record(CANARY, false, policy), "5 of 51");
        assertTrue(monitor.record(CANARY, true, policy), "6 of 52 > 10%");
    }

    @Test
    void theBoundIsDecimalNotBinary() {
        // 0.29 * 100 is 28.999999999999996 in doubles: 29 errors in 100 must still be tolerated
        AutoRollbackMonitor monitor = new AutoRollbackMonitor();
        AutoRollback policy = new AutoRollback(0.29, 100);
        for (int i = 0; i < 71; i++) {
            assertFalse(monitor.record(CANARY, false, policy));
        }
        for (int i = 0; i < 29; i++) {
            assertFalse(monitor.record(CANARY, true, policy));
        }
        assertTrue(monitor.record(CANARY, true, policy), "30 of 101");
    }

    @Test
    void withoutPolicyItOnlyCountsAndResetStartsAfresh() {
        AutoRollbackMonitor monitor = new AutoRollbackMonitor();
        AdapterKey stable = new AdapterKey("bot", 3);
        for (int i = 0; i < 100; i++) {
            assertFalse(monitor.record(stable, true, null));
        }
        assertEquals(new AutoRollbackMonitor.Counts(100, 100), monitor.counts(stable));
        assertEquals(new AutoRollbackMonitor.Counts(0, 0), monitor.counts(CANARY), "versions are counted apart");

        AutoRollback policy = new AutoRollback(0.5, 2);
        assertFalse(monitor.record(CANARY, true, policy));
        assertTrue(monitor.record(CANARY, true, policy));
        monitor.reset(CANARY);
        assertEquals(new AutoRollbackMonitor.Counts(0, 0), monitor.counts(CANARY));
        assertFalse(monitor.record(CANARY, true, policy));
        assertTrue(monitor.record(CANARY, true, policy), "after a reset it may trigger again");
    }

    @Test
    void concurrentRecordsCountExactlyAndTriggerOnce() throws Exception {
        AutoRollbackMonitor monitor = new AutoRollbackMonitor();
        AutoRollback policy = new AutoRollback(0.05, 100);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> triggers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                triggers.add(pool.submit(() -> {
                    int mine = 0;
                    for (int i = 0; i < 1000; i++) {
                        if (monitor.record(CANARY, i % 10 == 0, policy)) {
                            mine++;
                        }
                    }
                    return mine;
                }));
            }
            int total = 0;
            for (Future<Integer> f : triggers) {
                total += f.get(1, TimeUnit.MINUTES);
            }
            assertEquals(1, total, "one rollback, however many threads saw the bound crossed");
            assertEquals(new AutoRollbackMonitor.Counts(8000, 800), monitor.counts(CANARY));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badPoliciesAreRejectedNamingTheField() {
        for (double rate : new double[] {-0.1, 1.01, Double.NaN}) {
            var e = assertThrows(InvalidRoutingException.class, () -> new AutoRollback(rate, 10));
            assertEquals("auto_rollback.max_error_rate", e.field(), e.getMessage());
        }
        var e = assertThrows(InvalidRoutingException.class, () -> new AutoRollback(0.1, 0));
        assertEquals("auto_rollback.min_requests", e.field(), e.getMessage());
    }

    @Test
    void aRateOfOneIsAcceptedAndNeverRollsBack() {
        AutoRollback policy = new AutoRollback(1.0, 1);
        AutoRollbackMonitor monitor = new AutoRollbackMonitor();
        for (int i = 0; i < 50; i++) {
            assertFalse(monitor.record(CANARY, true, policy), "errors cannot exceed the requests they are part of");
        }
        assertEquals(new AutoRollbackMonitor.Counts(50, 50), monitor.counts(CANARY), "every error still counted");
    }
}
