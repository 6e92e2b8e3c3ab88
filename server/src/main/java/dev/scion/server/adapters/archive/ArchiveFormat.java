package dev.scion.server.adapters.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** The archive formats an adapter upload may use: named by the file's ending, confirmed by its first bytes. */
enum ArchiveFormat {
    TAR_GZ("a gzip-compressed tar"),
    ZIP("a zip");

    private static final int SNIFF_BYTES = 512;

    private final String description;

    ArchiveFormat(String description) {
        this.description = description;
    }

    static ArchiveFormat fromFileName(String fileName) {
        if (fileName == null || fileName.isBlank()) {
            throw new AdapterArchive.Refused("the archive has no file name; name it *.tar.gz, *.tgz or *.zip");
        }
        String lower = fileName.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) {
            return TAR_GZ;
        }
        if (lower.endsWith(".zip")) {
            return ZIP;
        }
        throw new AdapterArchive.Refused("archive " + EntryPath.quote(fileName)
                + " has an unsupported name; expected *.tar.gz, *.tgz or *.zip");
    }

    /** Refuses a file whose first bytes are not those of this format, so a name cannot pick the parser. */
    void requireMagic(Path archive, String fileName) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(archive)) {
            head = in.readNBytes(SNIFF_BYTES);
        }
        String found = describe(head);
        if (!matches(head)) {
            throw new AdapterArchive.Refused("archive " + EntryPath.quote(fileName) + " is named like " + description
                    + " archive but its content is " + found);
        }
    }

    private boolean matches(byte[] head) {
        switch (this) {
            case TAR_GZ:
                return isGzip(head);
            case ZIP:
                // a local file header, or the end record of an empty zip (refused later: no files)
                return startsWith(head, 'P', 'K', 3, 4) || startsWith(head, 'P', 'K', 5, 6);
            default:
                return false;
        }
    }

    private static String describe(byte[] head) {
        if (head.length == 0) {
            return "empty";
        }
        if (isGzip(head)) {
            return "gzip data";
        }
        if (startsWith(head, 'P', 'K')) {
            return "zip data";
        }
        if (head.length >= 262 && "ustar".equals(new String(Arrays.copyOfRange(head, 257, 262),
                StandardCharsets.US_ASCII))) {
            return "an uncompressed tar";
        }
        return "not a recognised archive";
    }

    private static boolean isGzip(byte[] head) {
        return startsWith(head, 0x1f, 0x8b);
    }

    private static boolean startsWith(byte[] head, int... magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
