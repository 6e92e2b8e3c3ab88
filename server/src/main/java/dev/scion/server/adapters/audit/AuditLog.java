package dev.scion.server.adapters.audit;

import dev.scion.server.config.AuditConfig;
import io.vertx.core.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;

/**
 * Every admin action, appended as one JSON line to {@code <store>/audit.jsonl} (rotated by size, see
 * {@link AuditFiles}) by one writer thread: time, adapter, action, the acting key's identity (a keyed hash, never
 * the key, see {@link ActorIdentity}), outcome, detail, and a sequence number that is the event's id. An action is on
 * disk before {@link #append} returns; calls refused for a missing or wrong admin key are only counted, and written
 * as one event per kind each interval (see {@link RefusalTally}).
 */
public final class AuditLog implements AutoCloseable {
    /** An event's id is this and its sequence number. */
    public static final String ID_PREFIX = "aevt-";

    public record Event(Instant time, String adapter, String action, String actor, String outcome, String detail) {}

    /** An event as written, with its sequence number. */
    public record Entry(long seq, Event event) {
        public String id() {
            return ID_PREFIX + seq;
        }
    }

    /** One page of an adapter's events, and whether more follow in the page's order. */
    public record Page(List<Entry> entries, boolean hasMore) {}

    private final AuditFiles files;
    private final RefusalTally tally = new RefusalTally();
    private final AuditWriter writer;
    private final ActorIdentity actors;

    private AuditLog(AuditFiles files, ActorIdentity actors, Predicate<String> adapterExists, AuditConfig config) {
        this.files = files;
        this.actors = actors;
        this.writer = new AuditWriter(files, tally, adapterExists, config.refusalInterval());
    }

    /** @param adapterExists whether refusals counted for a name are written (not for names no adapter has) */
    public static AuditLog open(Path storeRoot, AuditConfig config, Predicate<String> adapterExists)
            throws IOException {
        ActorIdentity actors = ActorIdentity.open(storeRoot);
        return new AuditLog(AuditFiles.open(storeRoot, config.maxBytes(), config.keep()), actors, adapterExists,
                config);
    }

    /** The actor for a presented key: {@code key:} and a keyed hash of it, or {@code anonymous}. */
    public String actor(String key) {
        return actors.of(key);
    }

    /**
     * Appends an event and returns once it is on disk. On an event-loop thread, which must never wait for a disk,
     * it returns at once instead; the writer thread writes the event next.
     */
    public void append(Event e) {
        CompletableFuture<Void> written = writer.submit(e);
        if (Context.isOnEventLoopThread()) {
            return;
        }
        try {
            written.join();
        } catch (CompletionException failed) {
            Throwable cause = failed.getCause();
            throw new UncheckedIOException("could not append to the audit log",
                    cause instanceof IOException io ? io : new IOException(cause));
        }
    }

    /** Counts an admin call refused for a missing or wrong key; written with the interval's tally. */
    public void refused(String adapter, String action, String actor, String reason) {
        tally.count(new RefusalTally.Kind(adapter, action, actor, reason));
    }

    /** See {@link AuditReader#page}. */
    public Page page(String adapter, Long after, int limit, boolean newestFirst) {
        try {
            return AuditReader.page(files, adapter, after, limit, newestFirst);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the audit log", e);
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not close the audit log", e);
        }
    }
}
