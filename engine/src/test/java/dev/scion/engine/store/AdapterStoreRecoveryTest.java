package dev.scion.engine.store;

import static dev.scion.engine.store.StoreFixtures.FINGERPRINT;
import static dev.scion.engine.store.StoreFixtures.peftFolder;
import static dev.scion.engine.store.StoreFixtures.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a crash at each step of a publish, delete or routing write leaves behind, built by hand: reopening
 * removes what is temporary, ignores what is incomplete and serves only complete versions.
 */
class AdapterStoreRecoveryTest {

    @TempDir
    Path tmp;

    private Path root;

    @BeforeEach
    void threeVersions() throws IOException {
        root = tmp.resolve("adapters");
        AdapterStore store = AdapterStore.open(root, FINGERPRINT);
        Path source = peftFolder(tmp.resolve("src"), 1);
        for (int i = 0; i < 3; i++) {
            publish(store, "bot", source);
        }
        root = root.toRealPath();
    }

    private static List<Integer> versions(AdapterStore store) throws IOException {
        return store.versions("bot").stream().map(AdapterManifest::version).toList();
    }

    @Test
    void leftoverTempFoldersAreRemoved() throws IOException {
        // A publish killed while copying: payload half written, owner lock file no longer locked.
        Path publishing = Files.createDirectories(root.resolve(".tmp-crashed/adapter"));
        Files.write(publishing.resolve("adapter_model.safetensors"), new byte[100]);
        Files.createFile(root.resolve(".tmp-crashed/owner.lock"));
        // A delete killed after its rename: a whole version in a temp folder, no owner file.
        Files.createDirectories(root.resolve(".tmp-deleting"));
        Files.copy(root.resolve("bot/1/manifest.json"), root.resolve(".tmp-deleting/manifest.json"));
        // An atomic routing write killed before its rename.
        Files.writeString(root.resolve("bot/.routing.json4711.partial"), "{\"stable\": ");

        AdapterStore reopened = AdapterStore.open(root, FINGERPRINT);
        assertFalse(Files.exists(root.resolve(".tmp-crashed")));
        assertFalse(Files.exists(root.resolve(".tmp-deleting")));
        assertFalse(Files.exists(root.resolve("bot/.routing.json4711.partial")));
        assertEquals(List.of(1, 2, 3), versions(reopened));
        assertEquals(Routing.LATEST, reopened.routing("bot"));
    }

    @Test
    void aVersionFolderWithoutManifestIsIgnoredAndItsNumberNotReused() throws IOException {
        Path orphan = Files.createDirectories(root.resolve("bot/4"));
        Files.copy(root.resolve("bot/3/adapter_config.json"), orphan.resolve("adapter_config.json"));
        Files.copy(root.resolve("bot/3/adapter_model.safetensors"), orphan.resolve("adapter_model.safetensors"));

        AdapterStore reopened = AdapterStore.open(root, FINGERPRINT);
        assertEquals(List.of(1, 2, 3), versions(reopened));
        assertEquals(3, reopened.list().get(0).latest());
        assertThrows(AdapterNotFoundException.class, () -> reopened.resolve("bot", 4));
        assertEquals(5, publish(reopened, "bot", tmp.resolve("src")).version());
        assertTrue(Files.isDirectory(orphan), "an ignored folder is left for the operator to inspect");
    }

    @Test
    void aVersionWithACorruptedFileIsIgnored() throws IOException {
        Path weights = root.resolve("bot/2/adapter_model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length - 1] ^= 0x40;
        Files.write(weights, bytes);

        AdapterStore reopened = AdapterStore.open(root, FINGERPRINT);
        assertEquals(List.of(1, 3), versions(reopened));
        AdapterNotFoundException e = assertThrows(AdapterNotFoundException.class, () -> reopened.resolve("bot", 2));
        assertTrue(e.getMessage().contains("versions: [1, 3]"), e.getMessage());
    }

    @Test
    void aTruncatedFileOrAManifestOfAnotherVersionIsIgnored() throws IOException {
        Path config = root.resolve("bot/1/adapter_config.json");
        Files.write(config, new byte[0]);
        Files.copy(root.resolve("bot/2/manifest.json"), root.resolve("bot/3/manifest.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        AdapterStore reopened = AdapterStore.open(root, FINGERPRINT);
        assertEquals(List.of(2), versions(reopened));
        assertEquals(List.of(2), reopened.list().get(0).versions().stream().map(AdapterManifest::version).toList());
    }

    @Test
    void aHalfWrittenManifestIsIgnored() throws IOException {
        Path manifest = root.resolve("bot/3/manifest.json");
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.substring(0, text.length() / 2));
        assertEquals(List.of(1, 2), versions(AdapterStore.open(root, FINGERPRINT)));
    }

    @Test
    void recoveryLeavesTheTempFolderOfAPublisherInThisProcess() throws IOException {
        try (TempFolders.Owned publishing = TempFolders.create(root, new StoreLock(root))) {
            Files.createDirectory(publishing.payload());
            AdapterStore.open(root, FINGERPRINT);
            assertTrue(Files.isDirectory(publishing.payload()), "a running publish keeps its folder");
        }
        try (var temps = Files.newDirectoryStream(root, ".tmp-*")) {
            assertFalse(temps.iterator().hasNext(), "closing the publish removes its folder");
        }
    }

    @Test
    void foldersThatAreNotAdaptersAreIgnored() throws IOException {
        Files.createDirectories(root.resolve("not a name"));
        Files.createDirectories(root.resolve("bot/latest"));
        Files.writeString(root.resolve("notes.txt"), "operator notes");
        AdapterStore reopened = AdapterStore.open(root, FINGERPRINT);
        assertEquals(1, reopened.list().size());
        assertEquals(List.of(1, 2, 3), versions(reopened));
    }
}
