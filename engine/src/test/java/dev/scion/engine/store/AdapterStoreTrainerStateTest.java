package dev.scion.engine.store;

import static dev.scion.engine.store.StoreFixtures.FINGERPRINT;
import static dev.scion.engine.store.StoreFixtures.peftFolder;
import static dev.scion.engine.store.StoreFixtures.publish;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.weights.SafetensorsWriter;
import dev.scion.engine.weights.TensorData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The optional {@code trainer_state.safetensors} of a version: published and checksummed with the PEFT files,
 * verified on every open, and refused unless it is a regular safetensors file; nothing else rides along.
 */
class AdapterStoreTrainerStateTest {
    private static final String STATE = AdapterStore.TRAINER_STATE_FILE;

    @TempDir
    Path tmp;

    private Path root;
    private AdapterStore store;

    @BeforeEach
    void emptyStore() throws IOException {
        root = tmp.resolve("adapters");
        store = AdapterStore.open(root, FINGERPRINT);
        root = root.toRealPath();
    }

    /** A PEFT folder with a small trainer state beside it, as the trainer publishes. */
    private Path withState(String folder) throws IOException {
        Path dir = peftFolder(tmp.resolve(folder), 1);
        SafetensorsWriter.write(dir.resolve(STATE),
                Map.of("fisher.base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                        TensorData.f32(new float[] {1e-4f, 2e-4f, 3e-4f, 4e-4f}, 2, 2)),
                Map.of("format", "scion-trainer/1", "adam_step", "12"));
        return dir;
    }

    private void assertRefusedUnchanged(Path source, String... expected) throws IOException {
        Map<String, String> before = StoreFixtures.snapshot(root);
        List<Integer> versions = versions(store);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> publish(store, "bot", source));
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), "message should contain \"" + part + "\": " + e.getMessage());
        }
        assertEquals(before, StoreFixtures.snapshot(root), "the store changed after: " + e.getMessage());
        assertEquals(versions, versions(store));
    }

    private static List<Integer> versions(AdapterStore store) throws IOException {
        return store.versions("bot").stream().map(AdapterManifest::version).toList();
    }

    @Test
    void theTrainerStateIsPublishedChecksummedAndVerifiedOnOpen() throws IOException {
        Path source = withState("src");
        AdapterManifest m = publish(store, "bot", source);

        assertEquals(3, m.sha256().size(), m.sha256().toString());
        assertEquals(StoreFixtures.sha256(source.resolve(STATE)), m.sha256().get(STATE));
        Path stored = store.folder("bot", 1).resolve(STATE);
        assertArrayEquals(Files.readAllBytes(source.resolve(STATE)), Files.readAllBytes(stored));
        long size = 0;
        for (String file : m.sha256().keySet()) {
            size += Files.size(source.resolve(file));
        }
        assertEquals(size, m.sizeBytes(), "size_bytes counts the trainer state too");
        assertEquals(m, AdapterStore.open(root, FINGERPRINT).resolve("bot", 1), "reopened, it verifies");

        byte[] bytes = Files.readAllBytes(stored);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(stored, bytes);
        AdapterStore reopened = AdapterStore.open(root, FINGERPRINT);
        assertEquals(List.of(), versions(reopened), "a version whose trainer state changed is not served");
        assertThrows(AdapterNotFoundException.class, () -> reopened.resolve("bot", 1));
    }

    @Test
    void aTrainerStateThatIsNotSafetensorsIsRefusedNamingTheFile() throws IOException {
        publish(store, "bot", withState("first"));
        Path text = withState("text");
        Files.writeString(text.resolve(STATE), "fisher: lots", StandardCharsets.UTF_8);
        assertRefusedUnchanged(text, text.resolve(STATE) + ": not a valid safetensors file");

        Path empty = withState("empty");
        Files.write(empty.resolve(STATE), new byte[0]);
        assertRefusedUnchanged(empty, empty.resolve(STATE) + ": not a valid safetensors file", "truncated");

        Path truncated = withState("truncated");
        byte[] bytes = Files.readAllBytes(truncated.resolve(STATE));
        Files.write(truncated.resolve(STATE), Arrays.copyOf(bytes, bytes.length - 4));
        assertRefusedUnchanged(truncated, truncated.resolve(STATE) + ": not a valid safetensors file");
    }

    @Test
    void aSymlinkedOrFolderTrainerStateIsRefused() throws IOException {
        Path real = withState("real");
        Path linked = peftFolder(tmp.resolve("linked"), 1);
        Files.createSymbolicLink(linked.resolve(STATE), real.resolve(STATE));
        assertRefusedUnchanged(linked, linked.resolve(STATE) + ": is a symbolic link");

        Path dangling = peftFolder(tmp.resolve("dangling"), 1);
        Files.createSymbolicLink(dangling.resolve(STATE), tmp.resolve("nowhere"));
        assertRefusedUnchanged(dangling, dangling.resolve(STATE) + ": is a symbolic link");

        Path folder = peftFolder(tmp.resolve("folder"), 1);
        Files.createDirectory(folder.resolve(STATE));
        assertRefusedUnchanged(folder, folder.resolve(STATE) + ": not a regular file");
    }

    @Test
    void aManifestListingAnUnexpectedFileIsIgnoredOnOpen() throws IOException {
        publish(store, "bot", withState("one"));
        publish(store, "bot", withState("two"));
        Path v2 = root.resolve("bot/2");
        Path extra = Files.writeString(v2.resolve("notes.txt"), "not part of a version", StandardCharsets.UTF_8);
        // Listed with its right digest and counted in the size: only the file list itself is wrong.
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(v2.resolve("manifest.json").toFile());
        ((ObjectNode) manifest.get("sha256")).put("notes.txt", StoreFixtures.sha256(extra));
        manifest.put("size_bytes", manifest.get("size_bytes").asLong() + Files.size(extra));
        json.writerWithDefaultPrettyPrinter().writeValue(v2.resolve("manifest.json").toFile(), manifest);

        ModelFormatException e = assertThrows(ModelFormatException.class, () -> VersionFolders.verify(v2, "bot", 2));
        assertTrue(e.getMessage().contains("notes.txt") && e.getMessage().contains("optionally " + STATE),
                e.getMessage());
        AdapterStore reopened = AdapterStore.open(root, FINGERPRINT);
        assertEquals(List.of(1), versions(reopened));
        assertThrows(AdapterNotFoundException.class, () -> reopened.resolve("bot", 2));
        assertEquals(3, publish(reopened, "bot", tmp.resolve("one")).version(), "its number is not reused");
    }
}
