package dev.scion.server.storage;

import dev.scion.server.api.ApiException;

/** How a write that failed for want of space is answered: 507, saying so, instead of a generic 500. */
public final class StorageErrors {
    static final String DISK_FULL = "The server's disk is full: the request's data could not be written, and nothing "
            + "was stored. Retry once space has been freed.";

    private StorageErrors() {}

    /** The 507 for {@code e}, when it (or a cause) is a refusal or a full disk; null otherwise. */
    public static ApiException of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InsufficientStorageException refused) {
                return ApiException.insufficientStorage(refused.getMessage());
            }
        }
        return DiskSpace.isFull(e) ? ApiException.insufficientStorage(DISK_FULL) : null;
    }
}
