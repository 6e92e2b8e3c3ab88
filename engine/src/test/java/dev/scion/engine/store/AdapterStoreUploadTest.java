package dev.scion.engine.store;

import static dev.scion.engine.store.StoreFixtures.BASE;
import static dev.scion.engine.store.StoreFixtures.FINGERPRINT;
import static dev.scion.engine.store.StoreFixtures.peftFolder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads staged in the store's own temp area: their files are validated where they lie and renamed into place
 * (never copied), a refusal names the file and leaves nothing, and an upload in progress survives another store's
 * recovery while an abandoned one does not.
 */
class AdapterStoreUploadTest {
    private static final String WEIGHTS = PeftAdapter.WEIGHTS_FILE;

    @TempDir
    Path tmp;

    private Path root;
    private AdapterStore store;
    private Path source;

    @BeforeEach
    void openStore() throws IOException {
        root = tmp.resolve("adapters");
        store = AdapterStore.open(root, FINGERPRINT);
        root = root.toRealPath();
        source = peftFolder(tmp.resolve("src"), 3);
    }

    /** Writes the source's PEFT files into the upload's parts, as the HTTP layer does, and moves them into place. */
    private static void assemble(StoreUpload upload, Path from) throws IOException {
        for (String file : VersionFolders.PEFT_FILES) {
            Path part = upload.parts().resolve("part-" + file.length());
            Files.copy(from.resolve(file), part);
            Files.move(part, upload.adapter().resolve(file));
        }
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    private List<Path> tempFolders() throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(p -> p.getFileName().toString().startsWith(TempFolders.PREFIX)).toList();
        }
    }

    @Test
    void anUploadIsPublishedByRenamingItsFilesIntoPlace() throws IOException {
        AdapterManifest published;
        Object staged;
        try (StoreUpload upload = store.openUpload()) {
            assertTrue(upload.parts().startsWith(root) && upload.adapter().startsWith(root),
                    "staged inside the store, on its file system: " + upload.parts());
            assemble(upload, source);
            staged = fileKey(upload.adapter().resolve(WEIGHTS));
            published = store.publish("bot", upload, BASE, PublishSource.UPLOAD, Map.of(), PeftAdapter.DEFAULT_MAX_RANK);
        }
        Path version = store.folder("bot", published.version());
        assertEquals(staged, fileKey(version.resolve(WEIGHTS)), "the very file uploaded, not a copy of it");
        assertEquals(StoreFixtures.sha256(source.resolve(WEIGHTS)), published.sha256().get(WEIGHTS));
        assertEquals(List.of(), tempFolders(), "closing the upload removed its temp folder");
        assertEquals(published, AdapterStore.open(root, FINGERPRINT).resolve("bot", 1), "verified on reopening");
    }

    @Test
    void aRefusedUploadNamesTheFileAloneAndLeavesNothing() throws IOException {
        try (StoreUpload upload = store.openUpload()) {
            assemble(upload, source);
            Files.write(upload.adapter().resolve(WEIGHTS), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> store.publish("bot", upload,
                    BASE, PublishSource.UPLOAD, Map.of(), PeftAdapter.DEFAULT_MAX_RANK));
            assertTrue(e.getMessage().startsWith(WEIGHTS + ": 3 trailing bytes"), e.getMessage());
            assertFalse(e.getMessage().contains(root.toString()), "no temp path: " + e.getMessage());
        }
        assertEquals(List.of(), store.versions("bot"));
        assertEquals(List.of(), tempFolders());
    }

    @Test
    void anUploadInProgressSurvivesRecoveryAndAnAbandonedOneDoesNot() throws IOException {
        // what a server killed mid-upload leaves: parts half written, an owner file nobody locks any more
        Path abandoned = Files.createDirectories(root.resolve(TempFolders.PREFIX + "killed/parts"));
        Files.write(abandoned.resolve("3f1c"), new byte[4096]);
        Files.createFile(abandoned.resolveSibling("owner.lock"));
        try (StoreUpload upload = store.openUpload()) {
            Files.write(upload.parts().resolve("part"), new byte[10]);
            AdapterStore.open(root, FINGERPRINT); // another store on the root recovers meanwhile
            assertFalse(Files.exists(abandoned.getParent()), "the killed upload's folder is gone");
            assertTrue(Files.isRegularFile(upload.parts().resolve("part")), "the live upload is untouched");
        }
        assertEquals(List.of(), tempFolders());
    }
}
