package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting for a condition with a deadline: tests synchronise on what they wait for, never on a fixed sleep. */
public final class Await {
    /** Short enough to notice a new checkpoint folder long before the next one, long enough not to spin a core. */
    private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

    private Await() {}

    /**
     * Returns once {@code condition} holds; fails the test after {@code timeout}, saying what was awaited. The
     * condition may itself fail the test (e.g. when the process it watches has died), which ends the wait early.
     */
    public static void await(BooleanSupplier condition, Duration timeout, Supplier<String> description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + description.get());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
