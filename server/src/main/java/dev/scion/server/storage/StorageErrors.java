package dev.scion.server.storage;

/**
 * Which failed writes failed for want of space: a refusal ({@link InsufficientStorageException}) or a full disk,
 * told apart from any other I/O failure so that the caller can say so instead of reporting a generic error.
 */
public final class StorageErrors {
    static final String DISK_FULL = "The server's disk is full: the request's data could not be written, and nothing "
            + "was stored. Retry once space has been freed.";

    private StorageErrors() {}

    /**
     * The refusal in {@code e} (itself or a cause), or one saying the disk is full when it failed for that; null for
     * any other failure. The message is fit for a client: a full disk's own message, which names the path, is not used.
     */
    public static InsufficientStorageException refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InsufficientStorageException refused) {
                return refused;
            }
        }
        return DiskSpace.isFull(e) ? new InsufficientStorageException(DISK_FULL, e) : null;
    }
}
