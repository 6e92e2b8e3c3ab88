package dev.scion.server.storage;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The free space that writes must leave on one disk ({@code --min-free-disk}). Asking the disk is one
 * {@code statvfs} call, cheap enough to make before every write of an upload, so it may be asked on an event loop.
 */
public final class DiskSpace {
    private final FileStore disk;
    private final Path where;
    private final long minFree;

    private DiskSpace(FileStore disk, Path where, long minFree) {
        this.disk = disk;
        this.where = where;
        this.minFree = minFree;
    }

    /** The disk that holds {@code dir} (an existing folder). */
    public static DiskSpace of(Path dir, long minFree) throws IOException {
        return new DiskSpace(Files.getFileStore(dir), dir, minFree);
    }

    /**
     * Refuses when writing {@code bytes} more would leave less than the minimum free; else returns the room left
     * after them (what may still be written).
     */
    public long require(long bytes) throws InsufficientStorageException {
        long usable;
        try {
            usable = disk.getUsableSpace();
        } catch (IOException e) {
            return 0; // the disk cannot say: the write itself will tell
        }
        long room = usable - bytes - minFree;
        if (usable < bytes) {
            throw new InsufficientStorageException("The server's disk is full: it has " + usable + " bytes free, "
                    + "fewer than this needs. Nothing was stored.");
        }
        if (room < 0) {
            throw new InsufficientStorageException("Storing this would leave less than the " + minFree
                    + " bytes the server keeps free on its disk (--min-free-disk; " + usable + " bytes are free now). "
                    + "Nothing was stored.");
        }
        return room;
    }

    /**
     * Whether {@code e}, or one of its causes, says that the disk (or the user's disk quota) is full: the
     * operating system's own words, as Java passes them on ({@code No space left on device}).
     */
    public static boolean isFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InsufficientStorageException) {
                return true;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof IOException && (message.contains("no space left on device")
                    || message.contains("disk quota exceeded") || message.contains("not enough space on the disk"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "DiskSpace[" + where + ", keeps " + minFree + " free]";
    }
}
