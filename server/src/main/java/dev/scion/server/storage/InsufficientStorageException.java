package dev.scion.server.storage;

import java.io.IOException;

/**
 * A write refused for want of space: the disk would keep less than {@code --min-free-disk}, the files would exceed
 * {@code --files-quota}, or the disk is full. The message is meant for the client.
 */
public final class InsufficientStorageException extends IOException {
    public InsufficientStorageException(String message) {
        super(message);
    }

    public InsufficientStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
