package dev.scion.trainer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A control that lets {@code microBatches} micro-batches run and then cancels, as the server's job cancel does: a
 * deterministic point of interruption, where a kill lands anywhere.
 */
final class CancelAfter implements TrainingControl {
    private final int microBatches;
    private final AtomicInteger asked = new AtomicInteger();

    CancelAfter(int microBatches) {
        this.microBatches = microBatches;
    }

    /** The loop asks once before each micro-batch; the first {@code microBatches} questions are answered no. */
    @Override
    public boolean cancelled() {
        return asked.incrementAndGet() > microBatches;
    }
}
