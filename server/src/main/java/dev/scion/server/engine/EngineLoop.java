package dev.scion.server.engine;

import dev.scion.engine.generate.BatchGenerator;
import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.GenerationRequest;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.engine.generate.Sequence;
import dev.scion.engine.generate.SequenceError;
import dev.scion.engine.generate.TokenListener;
import dev.scion.engine.runtime.DeviceAdapter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the model for serving: it moves submitted sequences into the
 * {@link BatchGenerator} and runs steps while there is work, sleeping otherwise. Any thread may
 * {@link #submit}; listeners are called on this thread and must hand work elsewhere quickly.
 */
public final class EngineLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngineLoop.class);
    /** At most one line per this interval for failed steps, and one for failed sequences. */
    static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final BatchGenerator generator;
    private final int capacity; // running plus waiting sequences accepted at once
    private final ConcurrentLinkedQueue<Pending> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workArrived = lock.newCondition();
    private final Thread thread;
    private final IntConsumer batchSizeObserver;
    private final java.util.Set<Submission> active = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private volatile int running;
    private volatile int waiting;
    private final LogThrottle stepFailures = new LogThrottle(LOG_INTERVAL_NANOS, System::nanoTime);
    private final LogThrottle sequenceFailures = new LogThrottle(LOG_INTERVAL_NANOS, System::nanoTime);

    private final ConcurrentLinkedQueue<ModelTask<?>> tasks = new ConcurrentLinkedQueue<>();

    private record Pending(GenerationRequest request, DeviceAdapter adapter, TokenListener listener, Submission handle) {}

    /** Model work that is no sequence (an embedding batch), run on this thread between two steps. */
    private record ModelTask<T>(Callable<T> work, CompletableFuture<T> done) {
        void run() {
            try {
                done.complete(work.call());
            } catch (Exception | Error e) {
                done.completeExceptionally(e);
            }
        }
    }

    /** A submitted sequence as seen from other threads: it can be cancelled before or after it starts. */
    public static final class Submission {
        private volatile Sequence sequence;
        private volatile boolean cancelled;

        public void cancel() {
            cancelled = true;
            Sequence s = sequence;
            if (s != null) {
                s.cancel();
            }
        }

        public boolean isCancelled() {
            return cancelled;
        }

        void bind(Sequence s) {
            sequence = s;
            if (cancelled) {
                s.cancel();
            }
        }
    }

    /**
     * @param queueSize sequences that may wait for a slot beyond the generator's slots
     * @param batchSizeObserver told the number of sequences in every step (metrics)
     */
    public EngineLoop(BatchGenerator generator, int slots, int queueSize, IntConsumer batchSizeObserver) {
        this.generator = generator;
        this.capacity = slots + queueSize;
        this.batchSizeObserver = batchSizeObserver;
        this.thread = new Thread(this::run, "scion-engine");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /**
     * Queues a sequence. Throws {@link QueueFullException} when running plus waiting sequences
     * are at capacity, and IllegalArgumentException when the prompt does not fit the context.
     */
    public Submission submit(GenerationRequest request, DeviceAdapter adapter, TokenListener listener) {
        if (stopping) {
            throw new IllegalStateException("the server is shutting down");
        }
        if (request.promptIds().length >= generator.maxContext()) {
            throw new IllegalArgumentException("the prompt has " + request.promptIds().length
                    + " tokens but the context holds " + generator.maxContext());
        }
        if (outstanding.incrementAndGet() > capacity) {
            outstanding.decrementAndGet();
            throw new QueueFullException(capacity);
        }
        Submission handle = new Submission();
        active.add(handle);
        inbox.add(new Pending(request, adapter, new CountingListener(listener, handle), handle));
        signal();
        return handle;
    }

    /**
     * Runs {@code work} on the engine thread, between two decoding steps, so it may use the model: one task per
     * step, so a queue of them slows decoding but never stops it. Counts towards the same capacity as sequences.
     *
     * @throws QueueFullException when running plus waiting work is at capacity
     */
    public <T> CompletableFuture<T> call(Callable<T> work) {
        if (stopping) {
            throw new IllegalStateException("the server is shutting down");
        }
        if (outstanding.incrementAndGet() > capacity) {
            outstanding.decrementAndGet();
            throw new QueueFullException(capacity);
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        tasks.add(new ModelTask<>(work, done));
        signal();
        return done;
    }

    /** Releases the capacity a sequence held once it has finished, however it finished. */
    private final class CountingListener implements TokenListener {
        private final TokenListener delegate;
        private final Submission handle;

        CountingListener(TokenListener delegate, Submission handle) {
            this.delegate = delegate;
            this.handle = handle;
        }

        @Override
        public void onToken(GeneratedToken token) {
            delegate.onToken(token);
        }

        @Override
        public void onFinish(GenerationResult result) {
            outstanding.decrementAndGet();
            active.remove(handle);
            SequenceError error = result.error();
            if (error != null && error.kind() != SequenceError.Kind.STEP_FAILED) { // step failures are logged once, below
                long held = sequenceFailures.admit();
                if (held >= 0) {
                    LOG.warn("a sequence ended with an error ({}): {}{}", error.kind(), error.message(),
                            LogThrottle.heldBack(held));
                }
            }
            delegate.onFinish(result);
        }
    }

    private void signal() {
        lock.lock();
        try {
            workArrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Pending p;
            while ((p = inbox.poll()) != null) {
                try {
                    p.handle.bind(generator.submit(p.request, p.adapter, p.listener));
                } catch (RuntimeException e) {
                    LOG.warn("rejected a sequence at admission: {}", e.getMessage());
                    p.listener.onFinish(new GenerationResult(new int[0], "",
                            dev.scion.engine.generate.FinishReason.CANCELLED, p.request.promptIds().length,
                            java.util.List.of()));
                }
            }
            ModelTask<?> task = tasks.poll();
            if (task != null) {
                task.run();
                outstanding.decrementAndGet();
            }
            if (generator.hasWork()) {
                try {
                    int advanced = generator.step();
                    if (advanced > 0) {
                        batchSizeObserver.accept(advanced);
                    }
                } catch (RuntimeException | Error e) {
                    // A failed step must not take the server down: the generator has ended its sequences with an
                    // error (their requests answer 500), so the next step goes on without them.
                    long held = stepFailures.admit();
                    if (held >= 0) {
                        LOG.error("engine step failed; its sequences ended with an error{}", LogThrottle.heldBack(held), e);
                    }
                }
                running = generator.runningCount();
                waiting = generator.waitingCount() + inbox.size();
                continue;
            }
            running = 0;
            waiting = inbox.size();
            if (!tasks.isEmpty()) {
                continue;
            }
            if (stopping && inbox.isEmpty()) {
                return;
            }
            lock.lock();
            try {
                if (inbox.isEmpty() && tasks.isEmpty() && !stopping) {
                    workArrived.await(1, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    /** Sequences decoding now. */
    public int running() {
        return running;
    }

    /** Sequences accepted but not yet holding a slot. */
    public int waiting() {
        return waiting;
    }

    public int capacity() {
        return capacity;
    }

    public int maxContext() {
        return generator.maxContext();
    }

    /** Whether any request is waiting or running: the trainer yields to serving while it is. */
    public boolean busy() {
        return outstanding.get() > 0;
    }

    /** Whether new work would be queued rather than refused. */
    public boolean saturated() {
        return outstanding.get() >= capacity;
    }

    /** Stops accepting work and waits up to {@code graceMillis} for running sequences to finish, then cancels the rest. */
    public void shutdown(long graceMillis) {
        stopping = true;
        signal();
        try {
            thread.join(graceMillis);
            if (thread.isAlive()) {
                LOG.warn("grace period over; cancelling {} running sequences", active.size());
                active.forEach(Submission::cancel);
                thread.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        shutdown(0);
        generator.close();
    }
}
