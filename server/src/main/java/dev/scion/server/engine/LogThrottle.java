package dev.scion.server.engine;

import java.util.function.LongSupplier;

/**
 * Lets at most one log line of a kind through per interval, and counts the ones held back so the
 * next line can say how many there were: a failure that repeats on every step must not write a line
 * per step. Thread-safe.
 */
final class LogThrottle {
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private boolean any;
    private long lastNanos;
    private long held;

    LogThrottle(long intervalNanos, LongSupplier nanoClock) {
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
    }

    /**
     * Called once per occurrence.
     *
     * @return -1 when this occurrence is not to be logged; otherwise how many were held back since the last line
     */
    synchronized long admit() {
        long now = nanoClock.getAsLong();
        if (any && now - lastNanos < intervalNanos) {
            held++;
            return -1;
        }
        any = true;
        lastNanos = now;
        long count = held;
        held = 0;
        return count;
    }

    /** " (N more since the last report)" for a count from {@link #admit}, or "" for none. */
    static String heldBack(long count) {
        return count > 0 ? " (" + count + " more like it since the last report)" : "";
    }
}
