package dev.scion.server.adapters.audit;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes the audit log: events queued meanwhile are written together and forced to disk once
 * (group commit), each submitter's future completing when its event is on disk; each refusal interval, and on
 * close, it also writes the tallied refusals of the adapters that exist.
 */
final class AuditWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    private record Pending(AuditLog.Event event, CompletableFuture<Void> written) {}

    private static final Pending STOP = new Pending(null, null);

    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Object submissions = new Object(); // nothing is queued after STOP
    private final AuditFiles files;
    private final RefusalTally tally;
    private final Predicate<String> adapterExists;
    private final long intervalNanos;
    private final Thread thread;
    private boolean closed;

    AuditWriter(AuditFiles files, RefusalTally tally, Predicate<String> adapterExists, Duration refusalInterval) {
        this.files = files;
        this.tally = tally;
        this.adapterExists = adapterExists;
        this.intervalNanos = refusalInterval.toNanos();
        this.thread = new Thread(this::run, "scion-audit-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues an event; the future completes once it is on disk, or fails with the write's error. */
    CompletableFuture<Void> submit(AuditLog.Event event) {
        Pending p = new Pending(event, new CompletableFuture<>());
        synchronized (submissions) {
            if (closed) {
                throw new IllegalStateException("the audit log is closed");
            }
            queue.add(p);
        }
        return p.written();
    }

    private void run() {
        long nextTally = System.nanoTime() + intervalNanos;
        boolean stopping = false;
        while (!stopping) {
            List<Pending> batch = new ArrayList<>();
            try {
                Pending first = queue.poll(Math.max(0, nextTally - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch);
                }
            } catch (InterruptedException e) {
                continue; // nobody but close() ends this thread, and it does so through the queue
            }
            stopping = batch.removeIf(p -> p == STOP);
            List<AuditLog.Event> events = new ArrayList<>(batch.size());
            batch.forEach(p -> events.add(p.event()));
            if (stopping || System.nanoTime() - nextTally >= 0) {
                events.addAll(tallied());
                nextTally = System.nanoTime() + intervalNanos;
            }
            write(events, batch);
        }
    }

    private void write(List<AuditLog.Event> events, List<Pending> waiting) {
        if (events.isEmpty()) {
            return;
        }
        try {
            files.append(events);
            waiting.forEach(p -> p.written().complete(null));
        } catch (IOException | RuntimeException e) {
            LOG.error("could not append {} events to the audit log", events.size(), e);
            waiting.forEach(p -> p.written().completeExceptionally(e));
        }
    }

    /** One event per kind of refusal counted since the last time, for adapters that exist. */
    private List<AuditLog.Event> tallied() {
        RefusalTally.Counts counts = tally.drain();
        if (counts.uncounted() > 0) {
            LOG.warn("{} refused admin calls not audited: more than {} kinds (adapter, action, actor, reason) in one "
                    + "interval", counts.uncounted(), RefusalTally.MAX_KINDS);
        }
        List<AuditLog.Event> events = new ArrayList<>();
        Instant now = Instant.now();
        for (RefusalTally.Count c : counts.counts()) {
            RefusalTally.Kind k = c.kind();
            if (adapterExists.test(k.adapter())) { // made-up names cannot grow the log
                events.add(new AuditLog.Event(now, k.adapter(), k.action(), k.actor(), "refused",
                        c.calls() + (c.calls() == 1 ? " call" : " calls") + " refused since " + c.since() + ": " + k.reason()));
            }
        }
        return events;
    }

    /** Writes what is queued and tallied, then stops the thread and closes the files. */
    @Override
    public void close() throws IOException {
        synchronized (submissions) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(STOP);
        }
        try {
            thread.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("the audit writer did not finish within {}; closing its file anyway", CLOSE_WAIT);
        }
        files.close();
    }
}
