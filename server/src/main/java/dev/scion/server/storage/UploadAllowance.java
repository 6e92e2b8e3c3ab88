package dev.scion.server.storage;

/**
 * What one upload may still write: each write is first taken from it, so a write that would break
 * {@code --min-free-disk} or {@code --files-quota} is refused before it happens. The disk is asked at most once a
 * mebibyte: a check lets through unasked what it found room for, up to a mebibyte. Thread-safe; {@link #close} gives the
 * upload's quota back when it ends.
 */
public final class UploadAllowance implements AutoCloseable {
    private static final long LOOKAHEAD = 1L << 20;

    private final DiskSpace disk;
    private final FilesQuota quota;
    private final FilesQuota.Claim claim;
    private long unchecked;

    /** @param quota the files quota, or null where none applies (adapter uploads) */
    public UploadAllowance(DiskSpace disk, FilesQuota quota) {
        this.disk = disk;
        this.quota = quota;
        this.claim = quota == null ? null : quota.claim();
    }

    /** Refuses an upload whose declared length ({@code Content-Length}, or -1) cannot fit, before it is read. */
    public void admit(long declared) throws InsufficientStorageException {
        disk.require(Math.max(declared, 0));
        if (quota != null) {
            quota.admit(declared);
        }
    }

    /** Takes {@code bytes} about to be written, or refuses them. */
    public synchronized void take(long bytes) throws InsufficientStorageException {
        if (claim != null) {
            claim.take(bytes);
        }
        if (unchecked < bytes) {
            unchecked = bytes + Math.min(disk.require(bytes), LOOKAHEAD);
        }
        unchecked -= bytes;
    }

    @Override
    public void close() {
        if (claim != null) {
            claim.close();
        }
    }
}
