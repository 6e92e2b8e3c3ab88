package dev.scion.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

    @Test
    void oneLinePerIntervalAndTheNextSaysHowManyWereHeldBack() {
        AtomicLong now = new AtomicLong(1_000);
        LogThrottle throttle = new LogThrottle(10_000, now::get);
        assertEquals(0, throttle.admit(), "the first occurrence is logged");
        long logged = 0;
        for (int i = 0; i < 300_000; i++) { // a failure on every step, all within one interval
            logged += throttle.admit() >= 0 ? 1 : 0;
        }
        assertEquals(0, logged, "nothing more within the interval");
        now.addAndGet(9_999);
        assertEquals(-1, throttle.admit(), "still within the interval");
        now.addAndGet(1);
        assertEquals(300_001, throttle.admit(), "the next line reports every one held back");
        now.addAndGet(10_000);
        assertEquals(0, throttle.admit(), "none held back since");
        assertEquals("", LogThrottle.heldBack(0));
        assertEquals(" (5 more like it since the last report)", LogThrottle.heldBack(5));
    }
}
