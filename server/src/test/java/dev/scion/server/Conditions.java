package dev.scion.server;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** The tests' one way to wait: poll a condition until it holds, failing with what was awaited after a bound. */
public final class Conditions {
    private static final long POLL_NANOS = Duration.ofMillis(1).toNanos();

    private Conditions() {}

    /** Polls {@code condition} until it holds; an AssertionError naming {@code what} after {@code timeout}. */
    public static void await(String what, BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout);
            }
            LockSupport.parkNanos(POLL_NANOS); // a poll interval, not a synchronisation: the condition decides
        }
    }
}
