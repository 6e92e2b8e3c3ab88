package dev.scion.engine.store;

import static dev.scion.engine.store.StoreFixtures.BASE;
import static dev.scion.engine.store.StoreFixtures.FINGERPRINT;
import static dev.scion.engine.store.StoreFixtures.Q_V;
import static dev.scion.engine.store.StoreFixtures.peftFolder;
import static dev.scion.engine.store.StoreFixtures.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraFactor;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.model.Projection;
import dev.scion.engine.reference.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Every refused input is refused with a message naming what is wrong, and leaves the store byte-for-byte as it was. */
class AdapterStoreRefusalTest {

    @TempDir
    Path tmp;

    private Path root;
    private AdapterStore store;
    private Path good;

    @BeforeEach
    void storeWithOneAdapter() throws IOException {
        root = tmp.resolve("adapters");
        store = AdapterStore.open(root, FINGERPRINT);
        good = peftFolder(tmp.resolve("good"), 1);
        publish(store, "bot", good);
        publish(store, "bot", good);
        store.setRouting("bot", new Routing(1, 2, 10, null, null));
    }

    /** Runs a refused call and checks its exception, its message and that not one byte of the store changed. */
    private <T extends Throwable> void assertRefusedUnchanged(Class<T> type, Executable call, String... expected)
            throws IOException {
        Map<String, String> before = StoreFixtures.snapshot(root);
        T e = assertThrows(type, call);
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), "message should contain \"" + part + "\": " + e.getMessage());
        }
        assertEquals(before, StoreFixtures.snapshot(root), "the store changed after: " + e.getMessage());
        assertEquals(List.of(1, 2), store.versions("bot").stream().map(AdapterManifest::version).toList());
    }

    private void assertPublishRefused(Path folder, String... expected) throws IOException {
        assertRefusedUnchanged(ModelFormatException.class, () -> publish(store, "bot", folder), expected);
    }

    @Test
    void badNamesAreRefusedNamingTheName() throws IOException {
        for (String name : List.of("../x", "..", "a/b", "a\\b", "", ".hidden", "-dash", "a..b", "sp ace", "x".repeat(65),
                "tab\t", "ünï")) {
            assertRefusedUnchanged(IllegalArgumentException.class, () -> publish(store, name, good),
                    "adapter name \"" + name + "\" is invalid");
        }
        assertRefusedUnchanged(IllegalArgumentException.class, () -> publish(store, "a@b", good), "\"a@b\"",
                "must not contain '@'");
        assertRefusedUnchanged(IllegalArgumentException.class, () -> publish(store, "bot@2", good), "bot@2");
        assertRefusedUnchanged(IllegalArgumentException.class, () -> publish(store, null, good), "name is missing");
        assertRefusedUnchanged(IllegalArgumentException.class, () -> store.resolve("../bot", 1), "\"../bot\"");
        assertRefusedUnchanged(IllegalArgumentException.class, () -> store.delete("..", 1), "\"..\"");
        assertRefusedUnchanged(IllegalArgumentException.class, () -> store.setRouting("../bot", Routing.LATEST),
                "\"../bot\"");
        assertEquals("a.b_c-9", AdapterNames.check("a.b_c-9"));
        assertEquals("x".repeat(64), AdapterNames.check("x".repeat(64)));
    }

    @Test
    void symlinkedFilesAreRefused() throws IOException {
        Path linked = Files.createDirectories(tmp.resolve("linked"));
        Files.copy(good.resolve("adapter_config.json"), linked.resolve("adapter_config.json"));
        Files.createSymbolicLink(linked.resolve("adapter_model.safetensors"), good.resolve("adapter_model.safetensors"));
        assertPublishRefused(linked, linked.resolve("adapter_model.safetensors") + ": is a symbolic link");

        Path linkedConfig = Files.createDirectories(tmp.resolve("linked-config"));
        Files.copy(good.resolve("adapter_model.safetensors"), linkedConfig.resolve("adapter_model.safetensors"));
        Files.createSymbolicLink(linkedConfig.resolve("adapter_config.json"), good.resolve("adapter_config.json"));
        assertPublishRefused(linkedConfig, "adapter_config.json: is a symbolic link");
    }

    @Test
    void pickleWeightsAreRefusedWithTheReason() throws IOException {
        Path pickle = Files.createDirectories(tmp.resolve("pickle"));
        Files.copy(good.resolve("adapter_config.json"), pickle.resolve("adapter_config.json"));
        Files.write(pickle.resolve("adapter_model.bin"), new byte[] {(byte) 0x80, 2, 'c', 'o', 's'});
        assertPublishRefused(pickle, pickle.resolve("adapter_model.bin").toString(), "pickle",
                "unpickling runs arbitrary code", "safe_serialization");
    }

    @Test
    void missingFoldersAndFilesAreRefused() throws IOException {
        assertPublishRefused(tmp.resolve("nowhere"), "nowhere", "does not exist");
        Path noConfig = Files.createDirectories(tmp.resolve("no-config"));
        Files.copy(good.resolve("adapter_model.safetensors"), noConfig.resolve("adapter_model.safetensors"));
        assertPublishRefused(noConfig, noConfig.resolve("adapter_config.json") + ": not found");
        Path fifoLike = Files.createDirectories(tmp.resolve("folder-as-file"));
        Files.copy(good.resolve("adapter_config.json"), fifoLike.resolve("adapter_config.json"));
        Files.createDirectory(fifoLike.resolve("adapter_model.safetensors"));
        assertPublishRefused(fifoLike, "adapter_model.safetensors: not a regular file");
    }

    @Test
    void shapesOfAnotherModelAreRefusedNamingTheSourceFile() throws IOException {
        // Mistral has one kv head where the tiny Llama has two: its k/v projections are half as wide.
        Path mistral = StoreFixtures.peftFolder(tmp.resolve("mistral"), TinyModels.mistral(), 4,
                EnumSet.of(Projection.K), 5);
        assertPublishRefused(mistral, mistral.resolve("adapter_model.safetensors").toString(), "has shape [16, 4]",
                "need [32, 4]");
    }

    @Test
    void aRankAboveTheLimitIsRefused() throws IOException {
        Path rank8 = StoreFixtures.peftFolder(tmp.resolve("rank8"), BASE, 8, Q_V, 9);
        assertRefusedUnchanged(ModelFormatException.class,
                () -> store.publish("bot", rank8, BASE, PublishSource.UPLOAD, Map.of(), 4),
                rank8.resolve("adapter_config.json") + ": r 8 exceeds the maximum rank 4");
        assertRefusedUnchanged(IllegalArgumentException.class,
                () -> store.publish("bot", rank8, BASE, PublishSource.UPLOAD, Map.of(), 0), "maxRank");
    }

    @Test
    void nonFiniteWeightsAreRefused() throws IOException {
        LoraAdapter adapter = RandomLora.create("nan", BASE, 4, Q_V, 11, 2.0);
        LoraFactor factor = adapter.factors().values().iterator().next();
        factor.b()[3] = Float.NaN;
        Path nan = tmp.resolve("nan");
        PeftAdapter.write(adapter, nan, PeftConfig.of(4, 8.0, Q_V, "tiny"));
        assertPublishRefused(nan, nan.resolve("adapter_model.safetensors").toString(), "holds NaN at element 3");
    }

    @Test
    void badMetricsBasesAndRoutingsAreRefused() throws IOException {
        assertRefusedUnchanged(IllegalArgumentException.class,
                () -> store.publish("bot", good, BASE, PublishSource.UPLOAD, Map.of("eval_loss", Double.NaN), 8),
                "metrics.eval_loss is NaN");
        assertRefusedUnchanged(IllegalArgumentException.class,
                () -> store.publish("bot", good, BASE, PublishSource.UPLOAD, Map.of("when", new Object()), 8),
                "metrics.when is a Object");
        assertRefusedUnchanged(IllegalArgumentException.class,
                () -> store.publish("bot", good, TinyModels.qwen2(), PublishSource.UPLOAD, Map.of(), 8),
                "is not the store's base");
        assertRefusedUnchanged(AdapterNotFoundException.class,
                () -> store.setRouting("bot", new Routing(7, null, 0, null, null)), "bot has no version 7");
        assertRefusedUnchanged(IllegalStateException.class, () -> store.delete("bot", 1), "stable");
        assertRefusedUnchanged(IllegalStateException.class, () -> store.delete("bot", 2), "canary");
        assertRefusedUnchanged(AdapterNotFoundException.class, () -> store.delete("bot", 3), "no version 3");
        assertRefusedUnchanged(AdapterNotFoundException.class, () -> store.remove("nobody"), "nobody");
    }

    @Test
    void invalidRoutingsAreRefusedBeforeTheyReachTheStore() {
        assertRefusedMessage(() -> new Routing(0, null, 0, null, null), "stable must be a version");
        assertRefusedMessage(() -> new Routing(null, 2, 10, null, null), "a canary needs an explicit stable");
        assertRefusedMessage(() -> new Routing(2, 2, 10, null, null), "canary 2 is also the stable version");
        assertRefusedMessage(() -> new Routing(1, 2, 101, null, null), "canary_percent must be between 0 and 100");
        assertRefusedMessage(() -> new Routing(1, null, 10, null, null), "no canary is set");
        assertRefusedMessage(() -> new Routing(1, null, 0, "session", null), "sticky must be \"user\"");
        assertRefusedMessage(() -> new AutoRollback(1.5, 10), "max_error_rate");
        assertRefusedMessage(() -> new AutoRollback(Double.NaN, 10), "max_error_rate");
        assertRefusedMessage(() -> new AutoRollback(0.1, 0), "min_requests");
    }

    private static void assertRefusedMessage(Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
