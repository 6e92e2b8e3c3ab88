package dev.scion.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.scion.server.api.ApiException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * A full disk reaches the HTTP layer as whatever exception the write threw, wrapped in whatever carried it; each is
 * answered 507, any other failure is not.
 */
class StorageErrorsTest {

    @Test
    void theOperatingSystemsFullDiskIsA507WhereverItIsWrapped() {
        // what FileChannel.write and Files.copy throw on Linux (ENOSPC, EDQUOT)
        for (Throwable e : new Throwable[] {
                new IOException("No space left on device"),
                new FileSystemException("/store/.tmp-1/adapter/adapter_model.safetensors", null,
                        "No space left on device"),
                new UncheckedIOException(new IOException("Disk quota exceeded")),
                new CompletionException(new io.vertx.core.file.FileSystemException(
                        new IOException("No space left on device")))}) {
            ApiException api = StorageErrors.of(e);
            assertEquals(507, api.status(), e.toString());
            assertEquals("insufficient_storage", api.code());
            assertEquals(StorageErrors.DISK_FULL, api.getMessage(), "no server path in the answer");
        }
    }

    @Test
    void aRefusalKeepsItsOwnMessage() {
        ApiException api = StorageErrors.of(new UncheckedIOException(new InsufficientStorageException("quota")));
        assertEquals(507, api.status());
        assertEquals("quota", api.getMessage());
    }

    @Test
    void otherFailuresAreNotStorage() {
        assertNull(StorageErrors.of(new IOException("Permission denied")));
        assertNull(StorageErrors.of(new IllegalStateException("No space left on device"))); // not an I/O failure
        assertNull(StorageErrors.of(new UncheckedIOException(new java.nio.file.NoSuchFileException("/x"))));
    }
}
