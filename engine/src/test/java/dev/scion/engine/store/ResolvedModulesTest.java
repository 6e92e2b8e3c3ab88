package dev.scion.engine.store;

import static dev.scion.engine.store.StoreFixtures.BASE;
import static dev.scion.engine.store.StoreFixtures.FINGERPRINT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraFactor;
import dev.scion.engine.lora.LoraTarget;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.lora.ResolvedModules;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.model.Projection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A version's manifest keeps what its config's patterns resolved to at publish, and serving loads it from there:
 * the patterns are matched once, not on every load.
 */
class ResolvedModulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    /** q_proj and v_proj of every layer, rank 4; alpha_pattern gives v_proj alpha 4 (scaling 1), q_proj keeps 8 (2). */
    private Path patternedFolder() throws IOException {
        PeftConfig config = new PeftConfig(4, 8, false, List.of("q_proj", "v_proj"), null, Map.of(),
                Map.of("self_attn.v_.*", 4.0), List.of(), "tiny-llama");
        LoraAdapter random = RandomLora.create("fixture", BASE, 4, StoreFixtures.Q_V, 7, 2.0);
        Map<LoraTarget, LoraFactor> factors = new HashMap<>();
        random.factors().forEach((t, f) -> factors.put(t, t.projection() == Projection.V
                ? new LoraFactor(f.rank(), f.in(), f.out(), 1.0, f.a(), f.b()) : f));
        Path dir = root.resolve("peft");
        PeftAdapter.write(new LoraAdapter("fixture", factors), dir, config);
        return dir;
    }

    @Test
    void publishKeepsTheResolvedModulesAndServingLoadsNeedNoConfig() throws IOException {
        AdapterStore store = AdapterStore.open(root.resolve("store"), FINGERPRINT);
        AdapterManifest published = StoreFixtures.publish(store, "bot", patternedFolder());
        ResolvedModules modules = published.modules();
        assertEquals(2 * BASE.numLayers(), modules.modules().size());
        assertEquals(new ResolvedModules.Module(4, 2.0), modules.modules().get("model.layers.0.self_attn.q_proj"));
        assertEquals(new ResolvedModules.Module(4, 1.0), modules.modules().get("model.layers.1.self_attn.v_proj"),
                "alpha_pattern matched at publish");
        AdapterManifest reread = AdapterStore.open(root.resolve("store"), FINGERPRINT).resolve("bot", 1);
        assertEquals(published, reread, "the manifest reads back the same, modules included");

        // the stored config is now one that could not even be read: a load from the manifest does not read it
        Path version = store.folder("bot", 1);
        Files.writeString(version.resolve("adapter_config.json"), "{\"r\": 4, \"target_modules\": \"(?=x).*\"}");
        LoraAdapter served = PeftAdapter.load(version, "bot@1", BASE, PeftAdapter.DEFAULT_MAX_RANK, reread.modules());
        assertEquals(ResolvedModules.of(served), modules);
        var fromConfig = assertThrows(ModelFormatException.class,
                () -> PeftAdapter.load(version, "bot@1", BASE, PeftAdapter.DEFAULT_MAX_RANK, null));
        assertTrue(fromConfig.getMessage().contains("target_modules"), fromConfig.getMessage());
    }

    @Test
    void aLoadFromTheManifestStillChecksTheRanksAndTheWeights() throws IOException {
        AdapterStore store = AdapterStore.open(root.resolve("store"), FINGERPRINT);
        AdapterManifest m = StoreFixtures.publish(store, "bot", patternedFolder());
        Path version = store.folder("bot", 1);
        var rank = assertThrows(ModelFormatException.class, () -> PeftAdapter.load(version, "bot@1", BASE, 2,
                m.modules()));
        assertTrue(rank.getMessage().contains("has rank 4, more than the maximum rank 2"), rank.getMessage());
        Map<String, ResolvedModules.Module> more = new HashMap<>(m.modules().modules());
        more.put("model.layers.0.mlp.down_proj", new ResolvedModules.Module(4, 2.0));
        var missing = assertThrows(ModelFormatException.class, () -> PeftAdapter.load(version, "bot@1", BASE,
                PeftAdapter.DEFAULT_MAX_RANK, new ResolvedModules(more)));
        assertTrue(missing.getMessage().contains("model.layers.0.mlp.down_proj was adapted when the version was"
                + " published"), missing.getMessage());
        Map<String, ResolvedModules.Module> fewer = new HashMap<>(m.modules().modules());
        fewer.remove("model.layers.1.self_attn.v_proj");
        var unselected = assertThrows(ModelFormatException.class, () -> PeftAdapter.load(version, "bot@1", BASE,
                PeftAdapter.DEFAULT_MAX_RANK, new ResolvedModules(fewer)));
        assertTrue(unselected.getMessage().contains("is not selected by the modules resolved"), unselected.getMessage());
    }

    @Test
    void versionsPublishedBeforeManifestsKeptModulesLoadFromTheirConfig() throws IOException {
        AdapterStore store = AdapterStore.open(root.resolve("store"), FINGERPRINT);
        StoreFixtures.publish(store, "bot", patternedFolder());
        Path manifest = store.folder("bot", 1).resolve("manifest.json");
        ObjectNode old = (ObjectNode) JSON.readTree(manifest.toFile());
        old.remove("modules");
        Files.write(manifest, JSON.writeValueAsBytes(old));
        AdapterManifest reread = AdapterStore.open(root.resolve("store"), FINGERPRINT).resolve("bot", 1);
        assertNull(reread.modules());
        LoraAdapter served = PeftAdapter.load(store.folder("bot", 1), "bot@1", BASE, PeftAdapter.DEFAULT_MAX_RANK,
                reread.modules());
        assertEquals(1.0, served.factors().get(new LoraTarget(1, Projection.V)).scaling());
    }
}
