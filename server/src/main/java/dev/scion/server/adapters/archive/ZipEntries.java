package dev.scion.server.adapters.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Entries of a {@code .zip}, read through its central directory: that is what every unzip tool
 * trusts, and it is the only place a zip records Unix file types such as symbolic links.
 */
final class ZipEntries implements ArchiveEntries {
    private static final int TYPE_MASK = 0170000;

    private final ZipFile zip;
    private final Enumeration<ZipArchiveEntry> entries;
    private ZipArchiveEntry current;

    private ZipEntries(ZipFile zip) {
        this.zip = zip;
        this.entries = zip.getEntriesInPhysicalOrder();
    }

    static ZipEntries open(Path archive, int maxEntries) throws IOException {
        ZipDirectoryLimits.require(archive, maxEntries);
        try {
            return new ZipEntries(ZipFile.builder().setPath(archive).get());
        } catch (IOException e) {
            throw new AdapterArchive.Refused("the archive is not a readable zip: " + e.getMessage(), e);
        }
    }

    @Override
    public ArchiveItem next() {
        if (!entries.hasMoreElements()) {
            current = null;
            return null;
        }
        current = entries.nextElement();
        return ArchiveItem.of(current.getName(), kind(current));
    }

    private static ArchiveItem.Kind kind(ZipArchiveEntry entry) {
        int type = entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX ? entry.getUnixMode() & TYPE_MASK : 0;
        if (type == UnixStat.LINK_FLAG) {
            return ArchiveItem.Kind.SYMBOLIC_LINK;
        }
        if (entry.isDirectory()) {
            return ArchiveItem.Kind.DIRECTORY;
        }
        switch (type) {
            case 0:
            case UnixStat.FILE_FLAG:
                return ArchiveItem.Kind.FILE;
            case 0020000:
                return ArchiveItem.Kind.CHARACTER_DEVICE;
            case 0060000:
                return ArchiveItem.Kind.BLOCK_DEVICE;
            case 0010000:
                return ArchiveItem.Kind.FIFO;
            default:
                return ArchiveItem.Kind.OTHER;
        }
    }

    @Override
    public InputStream open() throws IOException {
        if (current == null) {
            throw new IllegalStateException("no current zip entry");
        }
        if (!zip.canReadEntryData(current)) {
            throw new AdapterArchive.Refused("entry " + EntryPath.quote(current.getName())
                    + " is encrypted or uses an unsupported compression method");
        }
        try {
            return zip.getInputStream(current);
        } catch (IOException e) {
            throw new AdapterArchive.Refused("entry " + EntryPath.quote(current.getName())
                    + " cannot be read: " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
