package dev.scion.server.adapters.archive;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Entries of a {@code .tar.gz}, streamed. The decompressed stream as a whole is bounded too: entries
 * that are skipped (ignored junk) are still decompressed to get past them, so their bytes must not
 * be free.
 */
final class TarGzEntries implements ArchiveEntries {
    private final TarArchiveInputStream tar;

    private TarGzEntries(TarArchiveInputStream tar) {
        this.tar = tar;
    }

    static TarGzEntries open(Path archive, long maxDecompressedBytes) throws IOException {
        InputStream file = new BufferedInputStream(Files.newInputStream(archive));
        try {
            // concatenated gzip members are one stream to gzip(1), so read them all like it does
            InputStream gzip = new GzipCompressorInputStream(file, true);
            InputStream bounded = new BudgetedInputStream(gzip, new UnpackBudget(maxDecompressedBytes),
                    "the decompressed tar stream");
            return new TarGzEntries(new TarArchiveInputStream(bounded));
        } catch (IOException e) {
            file.close();
            throw new AdapterArchive.Refused("the archive is not readable gzip data: " + e.getMessage(), e);
        }
    }

    @Override
    public ArchiveItem next() {
        TarArchiveEntry entry;
        try {
            entry = tar.getNextEntry();
        } catch (IOException e) {
            throw new AdapterArchive.Refused("the archive is not a readable tar.gz: " + e.getMessage(), e);
        }
        if (entry == null) {
            return null;
        }
        return new ArchiveItem(entry.getName(), kind(entry), entry.getLinkName() == null ? "" : entry.getLinkName());
    }

    private static ArchiveItem.Kind kind(TarArchiveEntry entry) {
        if (entry.isSymbolicLink()) {
            return ArchiveItem.Kind.SYMBOLIC_LINK;
        }
        if (entry.isLink()) {
            return ArchiveItem.Kind.HARD_LINK;
        }
        if (entry.isCharacterDevice()) {
            return ArchiveItem.Kind.CHARACTER_DEVICE;
        }
        if (entry.isBlockDevice()) {
            return ArchiveItem.Kind.BLOCK_DEVICE;
        }
        if (entry.isFIFO()) {
            return ArchiveItem.Kind.FIFO;
        }
        if (entry.isDirectory()) {
            return ArchiveItem.Kind.DIRECTORY;
        }
        byte flag = entry.getLinkFlag();
        // only plain files: sparse, contiguous and vendor types are refused rather than guessed at
        return flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM
                ? ArchiveItem.Kind.FILE
                : ArchiveItem.Kind.OTHER;
    }

    @Override
    public InputStream open() {
        // the tar stream serves the current entry's bytes; closing them must not close the archive
        return new FilterInputStream(tar) {
            @Override
            public void close() {
                // the archive is closed by TarGzEntries.close()
            }
        };
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }
}
