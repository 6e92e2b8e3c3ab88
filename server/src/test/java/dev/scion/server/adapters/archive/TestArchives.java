package dev.scion.server.adapters.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Real archives, benign and hostile, written byte for byte as the tests describe them. */
final class TestArchives {
    static final byte[] CONFIG = "{\"peft_type\":\"LORA\",\"r\":8}".getBytes(StandardCharsets.UTF_8);
    static final byte[] WEIGHTS = randomBytes(4096, 7);

    private TestArchives() {}

    /** One entry as written into an archive: names are kept exactly, absolute and '..' ones included. */
    record Entry(String name, byte type, byte[] data, String link) {
        static Entry file(String name, byte[] data) {
            return new Entry(name, TarConstants.LF_NORMAL, data, "");
        }

        static Entry dir(String name) {
            return new Entry(name, TarConstants.LF_DIR, new byte[0], "");
        }

        static Entry symlink(String name, String target) {
            return new Entry(name, TarConstants.LF_SYMLINK, new byte[0], target);
        }

        static Entry hardLink(String name, String target) {
            return new Entry(name, TarConstants.LF_LINK, new byte[0], target);
        }

        static Entry special(String name, byte type) {
            return new Entry(name, type, new byte[0], "");
        }
    }

    static Entry config(String folder) {
        return Entry.file(folder + "adapter_config.json", CONFIG);
    }

    static Entry weights(String folder) {
        return Entry.file(folder + "adapter_model.safetensors", WEIGHTS);
    }

    static Path tarGz(Path file, Entry... entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry entry = new TarArchiveEntry(e.name(), e.type(), true);
                if (!e.link().isEmpty()) {
                    entry.setLinkName(e.link());
                }
                entry.setSize(e.type() == TarConstants.LF_NORMAL ? e.data().length : 0);
                tar.putArchiveEntry(entry);
                if (e.type() == TarConstants.LF_NORMAL) {
                    tar.write(e.data());
                }
                tar.closeArchiveEntry();
            }
        }
        return file;
    }

    /** A zip as java.util.zip writes it (deflated); directory entries are names ending in '/'. */
    static Path javaZip(Path file, Entry... entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Entry e : entries) {
                zip.putNextEntry(new ZipEntry(e.name()));
                zip.write(e.data());
                zip.closeEntry();
            }
        }
        return file;
    }

    /** A zip with Unix modes, so links and special files can be recorded the way Info-ZIP does. */
    static Path unixZip(Path file, Entry... entries) throws IOException {
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(file)) {
            for (Entry e : entries) {
                ZipArchiveEntry entry = new ZipArchiveEntry(e.name());
                byte[] data = e.data();
                if (e.type() == TarConstants.LF_SYMLINK) {
                    entry.setUnixMode(UnixStat.LINK_FLAG | 0777);
                    data = e.link().getBytes(StandardCharsets.UTF_8); // a zip symlink's content is its target
                } else if (e.type() == TarConstants.LF_FIFO) {
                    entry.setUnixMode(0010000 | 0644);
                } else {
                    entry.setUnixMode(UnixStat.FILE_FLAG | 0644);
                }
                zip.putArchiveEntry(entry);
                zip.write(data);
                zip.closeArchiveEntry();
            }
        }
        return file;
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Every path under root (links not followed), relative, with file sizes: a fingerprint of the tree. */
    static Set<String> tree(Path root) throws IOException {
        Set<String> paths = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                boolean file = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
                paths.add(root.relativize(p) + (file ? " " + Files.size(p) : ""));
            }
        }
        return paths;
    }

    static Set<String> children(Path dir) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    /**
     * Extracts expecting a refusal; asserts nothing changed anywhere under {@code root} (the archive
     * and the empty target already exist there) and returns the message.
     */
    static String refusal(Path root, Path archive, String fileName, Path target, long maxBytes) throws IOException {
        Set<String> before = tree(root);
        AdapterArchive.Refused refused = assertThrows(AdapterArchive.Refused.class,
                () -> AdapterArchive.extract(archive, fileName, target, maxBytes));
        assertEquals(before, tree(root), "the refused extraction changed files under " + root);
        assertEquals(Set.of(), children(target), "the refused extraction left files in the target");
        return refused.getMessage();
    }
}
