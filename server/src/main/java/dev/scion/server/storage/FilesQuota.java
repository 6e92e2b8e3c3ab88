package dev.scion.server.storage;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * {@code --files-quota}: the bytes the stored files hold plus the bytes of the uploads being received, all requests
 * together, may not exceed the quota. Each upload takes its bytes through a {@link Claim} as it writes them and gives
 * them back when it ends, stored by then (and counted as stored) or deleted.
 */
public final class FilesQuota {
    private final long quota;
    private final LongSupplier stored;
    private final AtomicLong receiving = new AtomicLong();

    public FilesQuota(long quota, LongSupplier stored) {
        this.quota = quota;
        this.stored = stored;
    }

    /** Refuses an upload that declares more bytes than the quota has left, before any is written. */
    public void admit(long declared) throws InsufficientStorageException {
        if (declared > 0 && stored.getAsLong() + receiving.get() + declared > quota) {
            throw exceeded(declared);
        }
    }

    public Claim claim() {
        return new Claim();
    }

    private InsufficientStorageException exceeded(long bytes) {
        return new InsufficientStorageException("The stored files would exceed the server's quota of " + quota
                + " bytes (--files-quota): " + stored.getAsLong() + " bytes are stored and " + bytes + " more were "
                + "sent. Delete files (DELETE /v1/files/{file_id}) to make room. Nothing was stored.");
    }

    /** One upload's bytes against the quota. Thread-safe. */
    public final class Claim implements AutoCloseable {
        private final AtomicLong taken = new AtomicLong();

        public void take(long bytes) throws InsufficientStorageException {
            long total = receiving.addAndGet(bytes);
            if (stored.getAsLong() + total > quota) {
                receiving.addAndGet(-bytes);
                throw exceeded(taken.get() + bytes);
            }
            taken.addAndGet(bytes);
        }

        @Override
        public void close() {
            receiving.addAndGet(-taken.getAndSet(0));
        }
    }
}
