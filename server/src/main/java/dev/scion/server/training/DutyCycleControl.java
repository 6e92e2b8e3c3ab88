package dev.scion.server.training;

import dev.scion.trainer.TrainingControl;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Paces one round so that training yields to serving. While the engine has requests (waiting or running), every
 * micro-batch that took {@code t} is followed by a pause of {@code t (1 - d) / d} before the next one, so training
 * takes at most the share {@code d} (the duty cycle) of wall time; while the engine is idle, training runs flat out.
 * The pause is a timed wait on a condition that {@link #cancel} signals, so a cancelled round stops at once instead
 * of sitting out its pause. Called on the trainer thread only, except {@link #cancel} and {@link #cancelled}.
 */
public final class DutyCycleControl implements TrainingControl {
    private final double dutyCycle;
    private final BooleanSupplier servingBusy;
    private final LongConsumer paused;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile boolean cancelled;
    private boolean busyAtStart;
    private long owedNanos;

    /**
     * @param dutyCycle the largest share of wall time training takes while serving is busy, in (0, 1]
     * @param servingBusy whether the engine has requests waiting or running
     * @param paused told how long each pause lasted, in nanoseconds (metrics)
     */
    public DutyCycleControl(double dutyCycle, BooleanSupplier servingBusy, LongConsumer paused) {
        if (!(dutyCycle > 0 && dutyCycle <= 1)) {
            throw new IllegalArgumentException("the duty cycle must be in (0, 1], got " + dutyCycle);
        }
        this.dutyCycle = dutyCycle;
        this.servingBusy = servingBusy;
        this.paused = paused;
    }

    @Override
    public void beforeStep() throws InterruptedException {
        busyAtStart = servingBusy.getAsBoolean();
        if (!busyAtStart) {
            owedNanos = 0; // serving went idle: what training owed it is moot
            return;
        }
        if (owedNanos <= 0 || cancelled) {
            return;
        }
        long start = System.nanoTime();
        lock.lock();
        try {
            long remaining = owedNanos;
            while (remaining > 0 && !cancelled) {
                remaining = wake.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
            owedNanos = 0;
            paused.accept(System.nanoTime() - start);
        }
    }

    @Override
    public void afterStep(long nanos) {
        // a step during which serving had work counts towards the share; a step on an idle engine does not
        if (busyAtStart || servingBusy.getAsBoolean()) {
            owedNanos += (long) (nanos * (1 - dutyCycle) / dutyCycle);
        } else {
            owedNanos = 0;
        }
    }

    @Override
    public boolean cancelled() {
        return cancelled;
    }

    /** Stops the round at its next micro-batch, waking it if it is pausing. */
    public void cancel() {
        cancelled = true;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
