package dev.scion.engine.store;

import dev.scion.engine.io.Durable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Temporary folders inside the store ({@code <root>/.tmp-<random>/}), where a version is assembled before
 * its rename (from a folder being published, or from an upload's parts: {@link StoreUpload}), and where a
 * deleted version goes to be removed. A publishing process keeps a lock on the
 * folder's {@code owner.lock} for as long as it works there, so the recovery of another process removes
 * only folders whose owner has died.
 */
final class TempFolders {

    static final String PREFIX = ".tmp-";
    private static final String OWNER = "owner.lock";
    private static final String PAYLOAD = "adapter";

    /**
     * Folders owned in this JVM. Cleanup never opens their owner file: closing any channel on a file may
     * drop every lock this process holds on it.
     */
    private static final Set<Path> ACTIVE = ConcurrentHashMap.newKeySet();

    private TempFolders() {}

    /** A temp folder this process owns until {@link #close()}, which removes whatever is left in it. */
    static final class Owned implements AutoCloseable {
        private final Path dir;
        private final FileChannel owner;

        private Owned(Path dir, FileChannel owner) {
            this.dir = dir;
            this.owner = owner;
        }

        /** The temp folder itself. */
        Path dir() {
            return dir;
        }

        /** The folder that becomes the version: a sibling of the owner file, so the lock never moves with it. */
        Path payload() {
            return dir.resolve(PAYLOAD);
        }

        @Override
        public void close() throws IOException {
            try {
                owner.close();
                Durable.deleteTree(dir);
            } finally {
                ACTIVE.remove(dir);
            }
        }
    }

    /** Creates and locks a temp folder; the store lock is held so that no cleanup sees it before it is locked. */
    static Owned create(Path root, StoreLock lock) throws IOException {
        try (StoreLock.Held held = lock.acquire()) {
            Path dir = root.resolve(PREFIX + UUID.randomUUID());
            Files.createDirectory(dir);
            ACTIVE.add(dir);
            FileChannel owner = null;
            try {
                owner = FileChannel.open(dir.resolve(OWNER), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                owner.lock();
                return new Owned(dir, owner);
            } catch (IOException | RuntimeException e) {
                if (owner != null) {
                    owner.close();
                }
                Durable.deleteTree(dir);
                ACTIVE.remove(dir);
                throw e;
            }
        }
    }

    /** A fresh name for a folder the caller fills and removes while holding the store lock. */
    static Path unowned(Path root) {
        return root.resolve(PREFIX + UUID.randomUUID());
    }

    /** Removes every temp folder no live publisher owns; the caller holds the store lock. Returns how many. */
    static int removeAbandoned(Path root) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, PREFIX + "*")) {
            for (Path entry : entries) {
                if (ACTIVE.contains(entry) || ownedByAnotherProcess(entry)) {
                    continue;
                }
                Durable.deleteTree(entry);
                removed++;
            }
        }
        return removed;
    }

    private static boolean ownedByAnotherProcess(Path entry) throws IOException {
        Path ownerFile = entry.resolve(OWNER);
        if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                || !Files.isRegularFile(ownerFile, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(ownerFile, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        }
    }
}
