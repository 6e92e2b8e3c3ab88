package dev.scion.server.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Training's share of wall time while serving is busy, measured on the real clock. */
class DutyCycleControlTest {
    private static final long MS = 1_000_000;

    private final AtomicBoolean busy = new AtomicBoolean();
    private final AtomicLong paused = new AtomicLong();

    private DutyCycleControl control(double dutyCycle) {
        return new DutyCycleControl(dutyCycle, busy::get, paused::addAndGet);
    }

    private static long timed(ThrowingRunnable r) throws InterruptedException {
        long start = System.nanoTime();
        r.run();
        return System.nanoTime() - start;
    }

    private interface ThrowingRunnable {
        void run() throws InterruptedException;
    }

    @Test
    void whileServingIsBusyEachStepIsFollowedByThePauseThatKeepsTheShare() throws Exception {
        busy.set(true);
        DutyCycleControl c = control(0.25);
        c.beforeStep();
        c.afterStep(40 * MS);
        long waited = timed(c::beforeStep); // 40 ms of training owe 120 ms to serving at a 25% share
        assertTrue(waited >= 120 * MS, "waited only " + waited / MS + " ms");
        assertTrue(waited < 2_000 * MS, "waited " + waited / MS + " ms");
        assertTrue(paused.get() >= 120 * MS, "the pause is reported for the metrics");
        assertTrue(timed(c::beforeStep) < 20 * MS, "a debt is paid once");
    }

    @Test
    void anIdleEngineLetsTrainingRunFlatOut() throws Exception {
        DutyCycleControl c = control(0.1);
        for (int i = 0; i < 5; i++) {
            c.beforeStep();
            c.afterStep(100 * MS);
        }
        assertTrue(timed(c::beforeStep) < 20 * MS);
        busy.set(true);
        c.afterStep(50 * MS); // serving got busy during the step: that step counts
        busy.set(false);
        assertTrue(timed(c::beforeStep) < 20 * MS, "serving went idle again: nothing is owed");
        assertEquals(0, paused.get());
    }

    @Test
    void aDutyCycleOfOneNeverPauses() throws Exception {
        busy.set(true);
        DutyCycleControl c = control(1.0);
        c.beforeStep();
        c.afterStep(500 * MS);
        assertTrue(timed(c::beforeStep) < 20 * MS);
    }

    @Test
    void cancellingWakesAPausedRoundAtOnce() throws Exception {
        busy.set(true);
        DutyCycleControl c = control(0.01);
        c.beforeStep();
        c.afterStep(100 * MS); // owes almost ten seconds
        CompletableFuture<Long> waited = new CompletableFuture<>();
        Thread trainer = new Thread(() -> {
            try {
                waited.complete(timed(c::beforeStep));
            } catch (InterruptedException e) {
                waited.completeExceptionally(e);
            }
        });
        trainer.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (trainer.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "the round never started its pause");
            Thread.onSpinWait();
        }
        c.cancel();
        assertTrue(waited.get(5, TimeUnit.SECONDS) < 2_000 * MS);
        assertTrue(c.cancelled());
    }

    @Test
    void theShareMustBeAFractionOfTime() {
        assertThrows(IllegalArgumentException.class, () -> control(0));
        assertThrows(IllegalArgumentException.class, () -> control(1.5));
        assertThrows(IllegalArgumentException.class, () -> control(Double.NaN));
    }
}
