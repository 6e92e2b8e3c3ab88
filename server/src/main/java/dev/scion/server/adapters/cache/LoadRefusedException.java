package dev.scion.server.adapters.cache;

import java.util.concurrent.RejectedExecutionException;

/**
 * A cold adapter's load could not even start: every load thread is busy and the queue of loads waiting for one is
 * full. Nothing is wrong with the adapter, so it counts as no failure of its version; the client may retry.
 */
public final class LoadRefusedException extends RuntimeException {
    private final AdapterKey key;
    private final int threads;
    private final int queue;

    /** Refused by {@code cause}: the load threads' own refusal names their bounds. */
    LoadRefusedException(AdapterKey key, RejectedExecutionException cause) {
        this(key, cause instanceof LoadExecutor.Full full ? full.threads : -1,
                cause instanceof LoadExecutor.Full full ? full.queue : -1, cause);
    }

    /**
     * @param threads how many loads run at once on the threads that refused it; -1 when unknown
     * @param queue how many loads may wait for one of those threads; -1 when unknown
     */
    public LoadRefusedException(AdapterKey key, int threads, int queue, Throwable cause) {
        super("loading adapter " + key.modelId() + " was refused: every load thread is busy and the load queue is full",
                cause);
        this.key = key;
        this.threads = threads;
        this.queue = queue;
    }

    public AdapterKey key() {
        return key;
    }

    /** How many loads run at once on the threads that refused it; -1 when they did not say (stopped ones do not). */
    public int threads() {
        return threads;
    }

    /** How many loads may wait for one of those threads; -1 when they did not say. */
    public int queue() {
        return queue;
    }
}
