package dev.scion.server.adapters.archive;

import static dev.scion.server.adapters.archive.TestArchives.CONFIG;
import static dev.scion.server.adapters.archive.TestArchives.WEIGHTS;
import static dev.scion.server.adapters.archive.TestArchives.config;
import static dev.scion.server.adapters.archive.TestArchives.javaZip;
import static dev.scion.server.adapters.archive.TestArchives.refusal;
import static dev.scion.server.adapters.archive.TestArchives.tarGz;
import static dev.scion.server.adapters.archive.TestArchives.unixZip;
import static dev.scion.server.adapters.archive.TestArchives.weights;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.server.adapters.archive.TestArchives.Entry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and malformed archives: each is refused with a message naming the entry, and leaves the
 * whole temporary tree (target included) exactly as it was.
 */
class AdapterArchiveRefusalTest {
    private static final long MAX = 1 << 20;

    @TempDir
    Path tmp;
    /** Deep enough that "../../x" from it still lands inside tmp, where the tree check sees it. */
    Path target;

    @BeforeEach
    void createTarget() throws IOException {
        target = Files.createDirectories(tmp.resolve("work/uploads/target"));
    }

    private String refusedTgz(Entry... entries) throws IOException {
        return refusal(tmp, tarGz(tmp.resolve("up.tgz"), entries), "up.tgz", target, MAX);
    }

    private String refusedZip(Entry... entries) throws IOException {
        return refusal(tmp, javaZip(tmp.resolve("up.zip"), entries), "up.zip", target, MAX);
    }

    @Test
    void dotDotTraversalInTar() throws IOException {
        String message = refusedTgz(config(""), weights(""), Entry.file("../../etc/x", new byte[] {1}));
        assertEquals("entry '../../etc/x' has a '..' segment (path traversal)", message);
        assertFalse(Files.exists(tmp.resolve("work/etc/x")));
    }

    @Test
    void dotDotTraversalInZipIsRefusedEvenWhenNamedLikeAnAdapterFile() throws IOException {
        String message = refusedZip(config(""), Entry.file("my/../../adapter_model.safetensors", WEIGHTS));
        assertEquals("entry 'my/../../adapter_model.safetensors' has a '..' segment (path traversal)", message);
        assertFalse(Files.exists(tmp.resolve("work/uploads/adapter_model.safetensors")));
    }

    @Test
    void absolutePathsInTarAndZip() throws IOException {
        String victim = tmp.resolve("victim").toString();
        assertEquals("entry '" + victim + "' is an absolute path; entries must be relative",
                refusedTgz(config(""), Entry.file(victim, new byte[] {1}), weights("")));
        assertEquals("entry '/tmp/x' is an absolute path; entries must be relative",
                refusedZip(Entry.file("/tmp/x", new byte[] {1}), config(""), weights("")));
        assertFalse(Files.exists(tmp.resolve("victim")));
    }

    @Test
    void backslashesAndDriveLetters() throws IOException {
        assertEquals("entry '..\\..\\evil' has a backslash in its name; only '/' separates folders",
                refusedTgz(config(""), weights(""), Entry.file("..\\..\\evil", new byte[1])));
        assertEquals("entry 'my/..\\..\\evil' has a backslash in its name; only '/' separates folders",
                refusedZip(config("my/"), weights("my/"), Entry.file("my/..\\..\\evil", new byte[1])));
        // a zip from a DOS/Windows tool gets its backslashes read as separators, and is then refused as traversal
        assertEquals("entry '../../evil' has a '..' segment (path traversal)",
                refusedZip(config(""), weights(""), Entry.file("..\\..\\evil", new byte[1])));
        assertEquals("entry 'C:/Windows/x' starts with a drive letter; entries must be relative",
                refusedZip(config(""), weights(""), Entry.file("C:/Windows/x", new byte[1])));
        assertEquals("entry 'adapter_config.json:stream' has a ':' in its name",
                refusedTgz(config(""), weights(""), Entry.file("adapter_config.json:stream", new byte[1])));
    }

    @Test
    void controlCharactersAreRefusedAndEscapedInTheMessage() throws IOException {
        assertEquals("entry 'adapter_config.json\\u000a' has control characters in its name",
                refusedTgz(Entry.file("adapter_config.json\n", CONFIG), weights("")));
    }

    @Test
    void symlinkInTarPointingOutside() throws IOException {
        String message = refusedTgz(config(""), Entry.symlink("adapter_model.safetensors", "/etc/passwd"));
        assertEquals("entry 'adapter_model.safetensors' is a symbolic link to '/etc/passwd'; links are refused,"
                + " pack the file itself", message);
    }

    @Test
    void symlinkedFolderFollowedByAFileThroughIt() throws IOException {
        // the classic two-step escape: a link to a folder outside, then a file written "into" the link
        String message = refusedTgz(Entry.symlink("my-adapter", "../../.."), config("my-adapter/"),
                weights("my-adapter/"));
        assertTrue(message.startsWith("entry 'my-adapter' is a symbolic link to '../../..'"), message);
        assertFalse(Files.exists(tmp.resolve("adapter_config.json")));
    }

    @Test
    void symlinkInZip() throws IOException {
        Path archive = unixZip(tmp.resolve("link.zip"), config(""), Entry.symlink("adapter_model.safetensors",
                "../../../etc/passwd"));
        String message = refusal(tmp, archive, "link.zip", target, MAX);
        assertEquals("entry 'adapter_model.safetensors' is a symbolic link; links are refused, pack the file itself",
                message);
    }

    @Test
    void hardLinkInTar() throws IOException {
        String message = refusedTgz(config(""), Entry.hardLink("adapter_model.safetensors", "/etc/shadow"));
        assertEquals("entry 'adapter_model.safetensors' is a hard link to '/etc/shadow'; links are refused,"
                + " pack the file itself", message);
    }

    @Test
    void devicesAndFifos() throws IOException {
        assertEquals("entry 'adapter_model.safetensors' is a character device; only regular files and folders"
                + " are accepted", refusedTgz(config(""), Entry.special("adapter_model.safetensors",
                        TarConstants.LF_CHR)));
        assertEquals("entry 'disk' is a block device; only regular files and folders are accepted",
                refusedTgz(config(""), weights(""), Entry.special("disk", TarConstants.LF_BLK)));
        assertEquals("entry 'pipe' is a named pipe (fifo); only regular files and folders are accepted",
                refusedTgz(config(""), weights(""), Entry.special("pipe", TarConstants.LF_FIFO)));
        Path zip = unixZip(tmp.resolve("fifo.zip"), config(""), weights(""), Entry.special("pipe",
                TarConstants.LF_FIFO));
        assertEquals("entry 'pipe' is a named pipe (fifo); only regular files and folders are accepted",
                refusal(tmp, zip, "fifo.zip", target, MAX));
    }

    @Test
    void picklesAreRefusedSayingWhy() throws IOException {
        assertEquals("entry 'my/adapter_model.bin' is a pickle-based checkpoint (.bin): loading a pickle can run"
                + " arbitrary code, so only adapter_model.safetensors (safetensors) is accepted",
                refusedTgz(config("my/"), Entry.file("my/adapter_model.bin", new byte[8])));
        for (String name : new String[] {"training_args.bin", "optimizer.pt", "x.PTH", "state.pkl"}) {
            String message = refusedZip(config(""), weights(""), Entry.file(name, new byte[8]));
            assertTrue(message.startsWith("entry '" + name + "' is a pickle-based checkpoint"), message);
            assertTrue(message.contains("can run arbitrary code"), message);
        }
    }

    @Test
    void unexpectedFileIsNamed() throws IOException {
        assertEquals("entry 'my-adapter/notes.txt' is not part of a PEFT adapter; an adapter archive may hold only"
                + " adapter_config.json and adapter_model.safetensors (README.md, .DS_Store, ._* files and __MACOSX/"
                + " are ignored)", refusedTgz(config("my-adapter/"), weights("my-adapter/"),
                        Entry.file("my-adapter/notes.txt", new byte[4])));
    }

    @Test
    void filesAlreadyWrittenAreRemovedWhenALaterEntryIsRefused() throws IOException {
        // both PEFT files come first, so they are on disk when the last entry is refused; refusal() checks cleanup
        String message = refusedZip(config(""), weights(""), Entry.file("tokenizer.json", new byte[4]));
        assertTrue(message.startsWith("entry 'tokenizer.json' is not part of a PEFT adapter"), message);
    }

    @Test
    void nestedArchives() throws IOException {
        byte[] inner = Files.readAllBytes(tarGz(tmp.resolve("inner.tgz"), config(""), weights("")));
        Files.delete(tmp.resolve("inner.tgz"));
        assertEquals("entry 'my/inner.tar.gz' is a nested archive; pack the adapter files themselves",
                refusedTgz(Entry.file("my/inner.tar.gz", inner)));
        assertEquals("entry 'adapter.zip' is a nested archive; pack the adapter files themselves",
                refusedZip(config(""), Entry.file("adapter.zip", inner), weights("")));
    }

    @Test
    void duplicates() throws IOException {
        assertEquals("entry 'adapter_config.json' is a duplicate; each path may appear once",
                refusedTgz(config(""), weights(""), config("")));
        assertEquals("entry './adapter_model.safetensors' is a duplicate of entry 'adapter_model.safetensors';"
                + " each path may appear once", refusedTgz(config(""), weights(""), weights("./")));
        Path zip = unixZip(tmp.resolve("dup.zip"), config(""), weights(""), weights(""));
        assertEquals("entry 'adapter_model.safetensors' is a duplicate; each path may appear once",
                refusal(tmp, zip, "dup.zip", target, MAX));
        assertEquals("entry 'a/' is a duplicate; each path may appear once",
                refusedTgz(Entry.dir("a/"), config("a/"), weights("a/"), Entry.dir("a/")));
    }

    @Test
    void filesSpreadOverTwoFoldersOrTooDeep() throws IOException {
        assertEquals("entry 'b/adapter_model.safetensors' is in folder 'b/' but entry 'a/adapter_config.json' is in"
                + " folder 'a/'; the adapter files must be at the top level or all inside one folder",
                refusedTgz(config("a/"), weights("b/")));
        assertEquals("entry 'a/adapter_model.safetensors' is in folder 'a/' but entry 'adapter_config.json' is at"
                + " the top level; the adapter files must be at the top level or all inside one folder",
                refusedZip(config(""), weights("a/")));
        assertEquals("entry 'a/b/adapter_config.json' is nested too deep; the adapter files must be at the top level"
                + " or inside one folder", refusedTgz(config("a/b/"), weights("a/b/")));
    }

    @Test
    void missingRequiredFile() throws IOException {
        assertEquals("the archive has no adapter_model.safetensors; an adapter needs both adapter_config.json and"
                + " adapter_model.safetensors", refusedZip(config("my/"), Entry.file("my/README.md", new byte[3])));
        assertEquals("the archive has no adapter_config.json; an adapter needs both adapter_config.json and"
                + " adapter_model.safetensors", refusedTgz(Entry.dir("my/"), weights("my/")));
    }

    @Test
    void zipEntryClaimingASmallSizeThatInflatesHuge() throws IOException {
        int real = 64 << 20;
        Path archive = javaZip(tmp.resolve("bomb.zip"), config(""), Entry.file("adapter_model.safetensors",
                new byte[real]));
        lieAboutUncompressedSize(archive, real, 16);
        try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
            assertEquals(16, zip.getEntry("adapter_model.safetensors").getSize(), "the header claims 16 bytes");
        }
        String message = refusal(tmp, archive, "bomb.zip", target, MAX);
        assertEquals("unpacking entry 'adapter_model.safetensors' exceeds the limit of 1048576 unpacked bytes"
                + " (a compression bomb, or an adapter too large to upload)", message);
        assertTrue(Files.size(archive) < MAX, "the archive itself is small: " + Files.size(archive));
    }

    @Test
    void tarGzBombInAFileThatWouldBeIgnored() throws IOException {
        // README.md is skipped, but skipping still decompresses it: the tar stream as a whole is bounded
        String message = refusedTgz(config(""), weights(""), Entry.file("README.md", new byte[8 << 20]));
        assertTrue(message.startsWith("unpacking the decompressed tar stream exceeds the limit of "
                + (MAX + AdapterArchive.TAR_OVERHEAD_BYTES)), message);
    }

    @Test
    void tarGzWeightsLargerThanTheBound() throws IOException {
        String message = refusedTgz(config(""), Entry.file("adapter_model.safetensors", new byte[(int) MAX]));
        assertEquals("unpacking entry 'adapter_model.safetensors' exceeds the limit of 1048576 unpacked bytes"
                + " (a compression bomb, or an adapter too large to upload)", message);
    }

    @Test
    void zipWhoseEndRecordUnderstatesItsDirectory() throws IOException {
        // the library reads directory records for as long as they follow one another, whatever the count says
        Entry[] entries = new Entry[200];
        entries[0] = config("");
        entries[1] = weights("");
        for (int i = 2; i < entries.length; i++) {
            entries[i] = Entry.file("__MACOSX/._" + i, new byte[1]);
        }
        Path archive = javaZip(tmp.resolve("many.zip"), entries);
        patchEndRecordCount(archive, 2);
        assertEquals("the archive lists more than 64 entries; at most 64 are accepted",
                refusal(tmp, archive, "many.zip", target, MAX));

        patchEndRecordCount(archive, 0xffff); // "see the Zip64 record", which is not there
        assertEquals("the archive is not a readable zip: its end record needs a Zip64 record that is missing",
                refusal(tmp, archive, "many.zip", target, MAX));
    }

    private static void patchEndRecordCount(Path zip, int count) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(zip)).order(ByteOrder.LITTLE_ENDIAN);
        int end = b.limit() - 22; // java.util.zip writes no archive comment, so the end record is last
        assertEquals(0x06054b50, b.getInt(end));
        b.putShort(end + 8, (short) count);
        b.putShort(end + 10, (short) count);
        Files.write(zip, b.array());
    }

    /** Rewrites the uncompressed size a zip records for entries of {@code real} bytes, as a bomb would. */
    private static void lieAboutUncompressedSize(Path zip, int real, int claimed) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(zip)).order(ByteOrder.LITTLE_ENDIAN);
        int patched = 0;
        for (int i = 0; i + 46 <= b.limit(); i++) {
            int signature = b.getInt(i);
            if (signature == 0x02014b50 && b.getInt(i + 24) == real) { // central directory: size at +24
                b.putInt(i + 24, claimed);
                patched++;
            } else if (signature == 0x08074b50 && b.getInt(i + 12) == real) { // data descriptor: size at +12
                b.putInt(i + 12, claimed);
                patched++;
            }
        }
        assertEquals(2, patched, "central directory and data descriptor both patched");
        Files.write(zip, b.array());
    }
}
