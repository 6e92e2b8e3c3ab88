package dev.scion.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A full disk reaches the caller as whatever exception the write threw, wrapped in whatever carried it; each is told
 * apart as want of space (the HTTP layer answers it 507), any other failure is not.
 */
class StorageErrorsTest {

    @Test
    void theOperatingSystemsFullDiskIsWantOfSpaceWhereverItIsWrapped() {
        // what FileChannel.write and Files.copy throw on Linux (ENOSPC, EDQUOT)
        for (Throwable e : new Throwable[] {
                new IOException("No space left on device"),
                new FileSystemException("/store/.tmp-1/adapter/adapter_model.safetensors", null,
                        "No space left on device"),
                new UncheckedIOException(new IOException("Disk quota exceeded")),
                new CompletionException(new io.vertx.core.file.FileSystemException(
                        new IOException("No space left on device")))}) {
            InsufficientStorageException refusal = StorageErrors.refusal(e);
            assertNotNull(refusal, e.toString());
            assertEquals(StorageErrors.DISK_FULL, refusal.getMessage(), "no server path in the message");
            assertSame(e, refusal.getCause(), "the failure itself stays with it, for the log");
        }
    }

    @Test
    void aRefusalIsItselfWhereverItIsWrapped() {
        InsufficientStorageException quota = new InsufficientStorageException("quota");
        assertSame(quota, StorageErrors.refusal(new UncheckedIOException(quota)));
        assertSame(quota, StorageErrors.refusal(new CompletionException(new UncheckedIOException(quota))));
    }

    @Test
    void otherFailuresAreNotStorage() {
        assertNull(StorageErrors.refusal(new IOException("Permission denied")));
        assertNull(StorageErrors.refusal(new IllegalStateException("No space left on device"))); // not an I/O failure
        assertNull(StorageErrors.refusal(new UncheckedIOException(new java.nio.file.NoSuchFileException("/x"))));
    }
}
