package dev.scion.server.adapters.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Unpacks an uploaded adapter archive ({@code .tar.gz}, {@code .tgz} or {@code .zip}) into a folder
 * holding only the two PEFT files, refusing anything unsafe.
 *
 * <p>The archive is client input, so it is read as hostile: every entry's name, type and size is
 * checked before a byte is written (see {@link AdapterEntryRules} for what is accepted), unpacked
 * bytes are counted while streaming rather than taken from headers, and output files are named from
 * a fixed list, never from the entry's path. The files always land directly in {@code target}, also
 * when the archive held them inside one folder. Content checks (shapes, ranks, finite values) are
 * {@code PeftAdapter}'s job once the folder exists.
 */
public final class AdapterArchive {

    /** The archive (or one of its entries) is not acceptable; the message names the entry and why. */
    public static final class Refused extends IllegalArgumentException {
        public Refused(String message) {
            super(message);
        }

        public Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Decompressed tar bytes allowed beyond {@code maxUnpackedBytes}: headers, padding and the
     * ignored small files (README.md, .DS_Store). Bounds the work a gzip bomb hidden in an ignored
     * entry can cause, since such entries are skipped by decompressing them.
     */
    static final long TAR_OVERHEAD_BYTES = 1L << 20;

    private AdapterArchive() {}

    /**
     * Extracts the PEFT files of an uploaded archive into {@code target} (an empty folder, created
     * when absent), refusing anything unsafe.
     *
     * @param fileName the client's file name; its ending picks the format, which the file's first
     *     bytes must confirm
     * @return the folder to publish ({@code target}), holding exactly {@code adapter_config.json}
     *     and {@code adapter_model.safetensors}
     * @throws Refused when the archive is unacceptable; {@code target} is then left empty
     * @throws IOException when reading the upload or writing {@code target} fails; {@code target}
     *     is then left empty as well
     */
    public static Path extract(Path archive, String fileName, Path target, long maxUnpackedBytes) throws IOException {
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(target, "target");
        if (maxUnpackedBytes < 1) {
            throw new IllegalArgumentException("maxUnpackedBytes must be positive, got " + maxUnpackedBytes);
        }
        ArchiveFormat format = ArchiveFormat.fromFileName(fileName);
        format.requireMagic(archive, fileName);
        Path base = emptyFolder(target);
        List<Path> written = new ArrayList<>();
        try {
            unpack(format, archive, base, maxUnpackedBytes, written);
            return target;
        } catch (IOException | RuntimeException | Error e) {
            removeAll(written, e);
            throw e;
        }
    }

    private static void unpack(ArchiveFormat format, Path archive, Path base, long maxUnpackedBytes, List<Path> written)
            throws IOException {
        AdapterEntryRules rules = new AdapterEntryRules();
        UnpackBudget budget = new UnpackBudget(maxUnpackedBytes);
        try (ArchiveEntries entries = open(format, archive, maxUnpackedBytes)) {
            for (ArchiveItem item = entries.next(); item != null; item = entries.next()) {
                Optional<String> fileName = rules.accept(item);
                if (fileName.isPresent()) {
                    write(entries.open(), item, base, fileName.get(), budget, written);
                }
            }
        }
        rules.requireComplete();
    }

    private static ArchiveEntries open(ArchiveFormat format, Path archive, long maxUnpackedBytes) throws IOException {
        switch (format) {
            case TAR_GZ:
                long streamBound = maxUnpackedBytes > Long.MAX_VALUE - TAR_OVERHEAD_BYTES
                        ? Long.MAX_VALUE
                        : maxUnpackedBytes + TAR_OVERHEAD_BYTES;
                return TarGzEntries.open(archive, streamBound);
            case ZIP:
                return ZipEntries.open(archive, AdapterEntryRules.MAX_ENTRIES);
            default:
                throw new IllegalStateException("unhandled archive format " + format);
        }
    }

    private static void write(InputStream data, ArchiveItem item, Path base, String fileName, UnpackBudget budget,
            List<Path> written) throws IOException {
        Path dest = base.resolve(fileName).normalize();
        // second line of defence: the name comes from a fixed list, but never write outside base whatever it is
        if (!dest.startsWith(base) || !base.equals(dest.getParent())) {
            throw new Refused("entry " + EntryPath.quote(item.name()) + " would be written outside the target folder");
        }
        try (InputStream in = new BudgetedInputStream(data, budget, "entry " + EntryPath.quote(item.name()))) {
            // CREATE_NEW refuses an existing file or link at dest instead of writing through it
            try (OutputStream out = Files.newOutputStream(dest, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                written.add(dest); // from here on a failure must remove it, partly written or not
                in.transferTo(out);
            }
        }
    }

    private static Path emptyFolder(Path target) throws IOException {
        if (Files.notExists(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(target);
        }
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("extraction target " + target + " is not a folder");
        }
        try (Stream<Path> children = Files.list(target)) {
            if (children.findAny().isPresent()) {
                throw new IOException("extraction target " + target + " is not empty");
            }
        }
        return target.toRealPath();
    }

    private static void removeAll(List<Path> written, Throwable failure) {
        for (Path p : written) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
