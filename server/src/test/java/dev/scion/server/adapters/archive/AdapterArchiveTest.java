package dev.scion.server.adapters.archive;

import static dev.scion.server.adapters.archive.TestArchives.CONFIG;
import static dev.scion.server.adapters.archive.TestArchives.WEIGHTS;
import static dev.scion.server.adapters.archive.TestArchives.children;
import static dev.scion.server.adapters.archive.TestArchives.config;
import static dev.scion.server.adapters.archive.TestArchives.javaZip;
import static dev.scion.server.adapters.archive.TestArchives.refusal;
import static dev.scion.server.adapters.archive.TestArchives.tarGz;
import static dev.scion.server.adapters.archive.TestArchives.weights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.server.adapters.TinyRuntime;
import dev.scion.server.adapters.archive.TestArchives.Entry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives that are accepted, format sniffing, and the limits at their exact bounds. */
class AdapterArchiveTest {
    private static final long MAX = 1 << 20;
    private static final Set<String> PEFT_FILES = Set.of("adapter_config.json", "adapter_model.safetensors");

    @TempDir
    Path tmp;

    private Path target() throws IOException {
        return Files.createDirectories(tmp.resolve("work/target"));
    }

    private void assertExtracted(Path folder) throws IOException {
        assertEquals(PEFT_FILES, children(folder));
        assertArrayEquals(CONFIG, Files.readAllBytes(folder.resolve("adapter_config.json")));
        assertArrayEquals(WEIGHTS, Files.readAllBytes(folder.resolve("adapter_model.safetensors")));
    }

    @Test
    void tarGzWithFilesAtTopLevel() throws IOException {
        Path archive = tarGz(tmp.resolve("a.tar.gz"), config(""), weights(""));
        Path target = target();
        assertEquals(target, AdapterArchive.extract(archive, "a.tar.gz", target, MAX));
        assertExtracted(target);
    }

    @Test
    void tgzInsideOneFolderIgnoringModelCardAndDesktopJunk() throws IOException {
        Path archive = tarGz(tmp.resolve("up"), Entry.dir("my-adapter/"), config("my-adapter/"),
                Entry.file("my-adapter/README.md", "# card".getBytes(StandardCharsets.UTF_8)),
                Entry.file("my-adapter/.DS_Store", new byte[10]), Entry.file("my-adapter/._adapter_config.json",
                        new byte[5]), Entry.dir("__MACOSX/"), Entry.file("__MACOSX/my-adapter/._x", new byte[3]),
                weights("my-adapter/"));
        Path target = target();
        AdapterArchive.extract(archive, "My-Adapter.TGZ", target, MAX);
        assertExtracted(target);
    }

    @Test
    void tarOfTheFolderContentsWithLeadingDotSlash() throws IOException {
        // what `cd my-adapter && tar czf ../x.tgz .` writes
        Path archive = tarGz(tmp.resolve("x.tgz"), Entry.dir("./"), config("./"), weights("./"));
        Path target = target();
        AdapterArchive.extract(archive, "x.tgz", target, MAX);
        assertExtracted(target);
    }

    @Test
    void zipWithFilesAtTopLevel() throws IOException {
        Path archive = javaZip(tmp.resolve("a.zip"), weights(""), config(""));
        Path target = target();
        AdapterArchive.extract(archive, "a.zip", target, MAX);
        assertExtracted(target);
    }

    @Test
    void zipInsideOneFolder() throws IOException {
        Path archive = javaZip(tmp.resolve("a.zip"), Entry.dir("my-adapter/"), config("my-adapter/"),
                weights("my-adapter/"), Entry.file("my-adapter/README.md", new byte[100]));
        Path target = target();
        AdapterArchive.extract(archive, "a.zip", target, MAX);
        assertExtracted(target);
    }

    @Test
    void missingTargetIsCreated() throws IOException {
        Path archive = javaZip(tmp.resolve("a.zip"), config(""), weights(""));
        Path target = tmp.resolve("new/target");
        AdapterArchive.extract(archive, "a.zip", target, MAX);
        assertExtracted(target);
    }

    @Test
    void nonEmptyTargetIsAnErrorAndLeftAlone() throws IOException {
        Path archive = javaZip(tmp.resolve("a.zip"), config(""), weights(""));
        Path target = target();
        Files.writeString(target.resolve("adapter_config.json"), "mine");
        IOException e = assertThrows(IOException.class, () -> AdapterArchive.extract(archive, "a.zip", target, MAX));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertEquals("mine", Files.readString(target.resolve("adapter_config.json")));
        assertEquals(Set.of("adapter_config.json"), children(target));
    }

    @Test
    void realPeftFolderRoundTripsThroughATarAndLoads() throws IOException {
        ModelConfig base = TinyRuntime.config();
        Set<Projection> targets = EnumSet.of(Projection.Q, Projection.V);
        LoraAdapter written = RandomLora.create("packed", base, 4, targets, 11, 2.0);
        Path folder = tmp.resolve("packed");
        PeftAdapter.write(written, folder, PeftConfig.of(4, 8, targets, "scion-tiny"));
        List<Entry> entries = new ArrayList<>();
        entries.add(Entry.dir("packed/"));
        for (String name : PEFT_FILES) {
            entries.add(Entry.file("packed/" + name, Files.readAllBytes(folder.resolve(name))));
        }
        Path archive = tarGz(tmp.resolve("packed.tar.gz"), entries.toArray(new Entry[0]));
        Path target = target();

        AdapterArchive.extract(archive, "packed.tar.gz", target, 64L << 20);

        for (String name : PEFT_FILES) {
            assertArrayEquals(Files.readAllBytes(folder.resolve(name)), Files.readAllBytes(target.resolve(name)), name);
        }
        LoraAdapter loaded = PeftAdapter.load(target, "packed", base);
        assertEquals(written.factors().keySet(), loaded.factors().keySet());
    }

    @Test
    void zipNameHoldingTarBytesIsRefused() throws IOException {
        Path archive = tarGz(tmp.resolve("disguised.zip"), config(""), weights(""));
        String message = refusal(tmp, archive, "disguised.zip", target(), MAX);
        assertEquals("archive 'disguised.zip' is named like a zip archive but its content is gzip data", message);
    }

    @Test
    void tgzNameHoldingZipBytesIsRefused() throws IOException {
        Path archive = javaZip(tmp.resolve("disguised.tgz"), config(""), weights(""));
        String message = refusal(tmp, archive, "disguised.tgz", target(), MAX);
        assertEquals("archive 'disguised.tgz' is named like a gzip-compressed tar archive but its content is zip data",
                message);
    }

    @Test
    void unsupportedAndMissingNamesAreRefused() throws IOException {
        Path archive = javaZip(tmp.resolve("a.zip"), config(""), weights(""));
        Path target = target();
        assertTrue(refusal(tmp, archive, "adapter.rar", target, MAX).contains("'adapter.rar' has an unsupported name"));
        assertTrue(refusal(tmp, archive, "adapter.tar", target, MAX).contains("expected *.tar.gz, *.tgz or *.zip"));
        assertTrue(refusal(tmp, archive, null, target, MAX).contains("no file name"));
    }

    @Test
    void emptyAndTruncatedArchivesAreRefused() throws IOException {
        Path target = target();
        Path empty = Files.write(tmp.resolve("empty.zip"), new byte[0]);
        assertTrue(refusal(tmp, empty, "empty.zip", target, MAX).endsWith("its content is empty"));

        Path whole = tarGz(tmp.resolve("whole.tgz"), config(""), weights(""));
        byte[] bytes = Files.readAllBytes(whole);
        Path truncated = Files.write(tmp.resolve("cut.tgz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        String message = refusal(tmp, truncated, "cut.tgz", target, MAX);
        assertTrue(message.startsWith("the archive is corrupt") || message.startsWith("the archive is not a readable"),
                message);

        Path zipWhole = javaZip(tmp.resolve("whole.zip"), config(""), weights(""));
        byte[] zipBytes = Files.readAllBytes(zipWhole);
        Path zipCut = Files.write(tmp.resolve("cut.zip"), java.util.Arrays.copyOf(zipBytes, zipBytes.length - 30));
        assertTrue(refusal(tmp, zipCut, "cut.zip", target, MAX).startsWith("the archive is not a readable zip"));
    }

    @Test
    void unpackedSizeExactlyAtTheBoundIsAccepted() throws IOException {
        Path archive = tarGz(tmp.resolve("a.tgz"), config(""), weights(""));
        Path target = target();
        long exact = CONFIG.length + WEIGHTS.length;
        String message = refusal(tmp, archive, "a.tgz", target, exact - 1);
        assertTrue(message.contains("exceeds the limit of " + (exact - 1) + " unpacked bytes"), message);
        AdapterArchive.extract(archive, "a.tgz", target, exact);
        assertExtracted(target);
    }

    @Test
    void sixtyFourEntriesAreAcceptedAndSixtyFiveRefused() throws IOException {
        List<Entry> entries = new ArrayList<>(List.of(config(""), weights("")));
        for (int i = entries.size(); i < AdapterEntryRules.MAX_ENTRIES; i++) {
            entries.add(Entry.file("__MACOSX/._" + i, new byte[1]));
        }
        Path target = target();
        Path fullTar = tarGz(tmp.resolve("full.tgz"), entries.toArray(new Entry[0]));
        Path fullZip = javaZip(tmp.resolve("full.zip"), entries.toArray(new Entry[0]));
        entries.add(Entry.file("__MACOSX/._last", new byte[1]));
        Path overTar = tarGz(tmp.resolve("over.tgz"), entries.toArray(new Entry[0]));
        Path overZip = javaZip(tmp.resolve("over.zip"), entries.toArray(new Entry[0]));

        // a tar is counted while streaming, after both PEFT files were written: refusal() checks they are gone
        assertEquals("the archive has more than 64 entries (entry '__MACOSX/._last' is one too many)",
                refusal(tmp, overTar, "over.tgz", target, MAX));
        assertEquals("the archive lists 65 entries; at most 64 are accepted",
                refusal(tmp, overZip, "over.zip", target, MAX));
        AdapterArchive.extract(fullTar, "full.tgz", target, MAX);
        assertExtracted(target);
        Path zipTarget = Files.createDirectories(tmp.resolve("zip-target"));
        AdapterArchive.extract(fullZip, "full.zip", zipTarget, MAX);
        assertExtracted(zipTarget);
    }
}
