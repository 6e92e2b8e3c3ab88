package dev.scion.engine.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store's one mutual exclusion, across threads and processes: a lock on {@code <root>/.lock} taken
 * around every change of the store's visible state (version allocation, rename, delete, routing, recovery).
 * File locks belong to the whole JVM (a second lock from another thread fails, and closing any channel on
 * the file may drop them), so threads first queue on an in-process lock shared by every store on the root.
 */
final class StoreLock {

    static final String FILE_NAME = ".lock";

    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    /** Releases the lock; never throws, so it can close a try-with-resources without hiding the real failure. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private final Path lockFile;
    private final ReentrantLock local;

    StoreLock(Path realRoot) {
        this.lockFile = realRoot.resolve(FILE_NAME);
        this.local = IN_PROCESS.computeIfAbsent(realRoot, k -> new ReentrantLock());
    }

    Held acquire() throws IOException {
        if (local.isHeldByCurrentThread()) {
            throw new IllegalStateException("the adapter store lock is not re-entrant");
        }
        local.lock();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock fileLock = channel.lock();
            FileChannel held = channel;
            return () -> {
                try {
                    fileLock.release();
                    held.close();
                } catch (IOException e) {
                    // Closing the channel releases the lock whatever happened to release().
                } finally {
                    local.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                channel.close();
            }
            local.unlock();
            throw e;
        }
    }

    boolean isHeldByCurrentThread() {
        return local.isHeldByCurrentThread();
    }
}
