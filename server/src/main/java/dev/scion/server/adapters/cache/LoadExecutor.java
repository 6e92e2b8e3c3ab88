package dev.scion.server.adapters.cache;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that load cold adapters, apart from the worker pool that parses and tokenizes requests: however slow
 * a load, requests for the base model or for hot adapters never wait for it. Bounded both ways: {@code threads}
 * loads run at once and up to {@code queue} more wait for a thread; a load beyond that is refused at once
 * ({@link java.util.concurrent.RejectedExecutionException}) rather than piling up behind a slow one. Requests for
 * an adapter already loading join that load and take neither a thread nor a queue place.
 */
public final class LoadExecutor implements Executor, AutoCloseable {
    private final ThreadPoolExecutor pool;

    /** A load refused because every thread is busy and the queue is full; carries both bounds for the refusal. */
    static final class Full extends RejectedExecutionException {
        final int threads;
        final int queue;

        private Full(int threads, int queue) {
            super("every one of the " + threads + " load threads is busy and " + queue + " loads wait already");
            this.threads = threads;
            this.queue = queue;
        }
    }

    public LoadExecutor(int threads, int queue) {
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                task -> {
                    Thread t = new Thread(task, "scion-adapter-load-" + count.incrementAndGet());
                    t.setDaemon(true); // a load in progress must not keep a stopping server alive
                    return t;
                }, (task, executor) -> {
                    throw executor.isShutdown() ? new RejectedExecutionException("the adapter load threads are stopped")
                            : new Full(threads, queue);
                });
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(task);
    }

    /** Stops the threads; loads still queued are dropped, and later ones refused. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
