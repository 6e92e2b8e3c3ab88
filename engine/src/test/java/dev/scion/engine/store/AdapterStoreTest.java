package dev.scion.engine.store;

import static dev.scion.engine.store.StoreFixtures.BASE;
import static dev.scion.engine.store.StoreFixtures.FINGERPRINT;
import static dev.scion.engine.store.StoreFixtures.peftFolder;
import static dev.scion.engine.store.StoreFixtures.publish;
import static dev.scion.engine.store.StoreFixtures.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraFactor;
import dev.scion.engine.lora.LoraTarget;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.model.Projection;
import dev.scion.engine.reference.TinyModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publish, list, resolve, delete and routing round trips on a real store folder. */
class AdapterStoreTest {

    @TempDir
    Path tmp;

    private Path root() {
        return tmp.resolve("adapters");
    }

    @Test
    void aPublishedVersionReadsBackWithItsManifestAndWeights() throws IOException {
        AdapterStore store = AdapterStore.open(root(), FINGERPRINT);
        Path source = peftFolder(tmp.resolve("src"), 7);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("eval_loss", 1.25);
        metrics.put("steps", 40);
        metrics.put("dataset", "support-v2");
        Instant before = Instant.now();
        AdapterManifest m = store.publish("support-bot", source, BASE, PublishSource.TRAINER, metrics, 16);
        Instant after = Instant.now();

        assertEquals("support-bot", m.name());
        assertEquals(1, m.version());
        assertEquals("support-bot@1", m.id());
        assertEquals(Map.of("adapter_config.json", sha256(source.resolve("adapter_config.json")),
                "adapter_model.safetensors", sha256(source.resolve("adapter_model.safetensors"))), m.sha256());
        assertEquals(Files.size(source.resolve("adapter_config.json"))
                + Files.size(source.resolve("adapter_model.safetensors")), m.sizeBytes());
        assertEquals(4, m.rank());
        assertEquals(List.of("q_proj", "v_proj"), m.targets());
        assertEquals(FINGERPRINT, m.baseFingerprint());
        assertFalse(m.created().isBefore(before) || m.created().isAfter(after), m.created().toString());
        assertEquals(PublishSource.TRAINER, m.source());
        assertEquals(metrics, m.metrics());

        assertEquals(List.of(m), store.versions("support-bot"));
        assertEquals(m, store.resolve("support-bot", 1));
        assertEquals(List.of(new AdapterInfo("support-bot", List.of(m), Routing.LATEST)), store.list());
        Path folder = store.folder("support-bot", 1);
        assertEquals(root().toRealPath().resolve("support-bot").resolve("1"), folder);
        assertSameWeights(PeftAdapter.load(source, "a", BASE), PeftAdapter.load(folder, "b", BASE));

        AdapterStore reopened = AdapterStore.open(root(), FINGERPRINT);
        assertEquals(m, reopened.resolve("support-bot", 1), "the manifest reads back equal from disk");
        assertEquals(store.list(), reopened.list());
    }

    @Test
    void theManifestFileHasTheDocumentedFields() throws IOException {
        AdapterStore store = AdapterStore.open(root(), FINGERPRINT);
        AdapterManifest m = store.publish("bot", peftFolder(tmp.resolve("src"), 1), BASE, PublishSource.LOAD,
                Map.of("eval_loss", 0.5), 8);
        JsonNode json = new ObjectMapper().readTree(store.folder("bot", 1).resolve("manifest.json").toFile());
        assertEquals(1, json.get("format").asInt());
        assertEquals("bot", json.get("name").asText());
        assertEquals(1, json.get("version").asInt());
        assertEquals(m.sha256().get("adapter_model.safetensors"),
                json.get("sha256").get("adapter_model.safetensors").asText());
        assertEquals(m.sizeBytes(), json.get("size_bytes").asLong());
        assertEquals(4, json.get("rank").asInt());
        assertEquals("q_proj", json.get("targets").get(0).asText());
        assertEquals(FINGERPRINT, json.get("base_fingerprint").asText());
        assertEquals(m.created(), Instant.parse(json.get("created").asText()));
        assertEquals("load", json.get("source").asText());
        assertEquals(0.5, json.get("metrics").get("eval_loss").asDouble());
    }

    @Test
    void versionsIncreaseAndAreNeverReusedAfterDeleteOrReopen() throws IOException {
        AdapterStore store = AdapterStore.open(root(), FINGERPRINT);
        for (int i = 1; i <= 3; i++) {
            assertEquals(i, publish(store, "bot", peftFolder(tmp.resolve("src" + i), i)).version());
        }
        store.setRouting("bot", new Routing(2, null, 0, null, null));
        store.delete("bot", 3);
        assertEquals(List.of(1, 2), versionNumbers(store.versions("bot")));
        assertFalse(Files.exists(root().resolve("bot/3")));
        assertEquals(4, publish(store, "bot", tmp.resolve("src1")).version(), "3 is never given out again");

        AdapterStore reopened = AdapterStore.open(root(), FINGERPRINT);
        reopened.delete("bot", 4);
        assertEquals(5, publish(reopened, "bot", tmp.resolve("src2")).version());
        assertEquals(List.of(1, 2, 5), versionNumbers(reopened.versions("bot")));
        assertThrows(AdapterNotFoundException.class, () -> reopened.resolve("bot", 4));

        reopened.remove("bot");
        assertEquals(List.of(), reopened.versions("bot"));
        assertEquals(List.of(), reopened.list());
        assertThrows(AdapterNotFoundException.class, () -> reopened.routing("bot"));
        assertEquals(6, publish(reopened, "bot", tmp.resolve("src3")).version(), "remove keeps the numbering");
        assertEquals(Routing.LATEST, reopened.routing("bot"), "remove dropped the old routing");
    }

    @Test
    void routingRoundTripsAndOnlyNamesExistingVersions() throws IOException {
        AdapterStore store = AdapterStore.open(root(), FINGERPRINT);
        publish(store, "bot", peftFolder(tmp.resolve("a"), 1));
        publish(store, "bot", peftFolder(tmp.resolve("b"), 2));
        assertEquals(Routing.LATEST, store.routing("bot"));

        Routing canary = new Routing(1, 2, 10, "user", new AutoRollback(0.05, 50));
        store.setRouting("bot", canary);
        assertEquals(canary, store.routing("bot"));
        assertEquals(canary, AdapterStore.open(root(), FINGERPRINT).routing("bot"));
        JsonNode json = new ObjectMapper().readTree(root().resolve("bot/routing.json").toFile());
        assertEquals(10, json.get("canary_percent").asInt());
        assertEquals(0.05, json.get("auto_rollback").get("max_error_rate").asDouble());

        AdapterNotFoundException missing = assertThrows(AdapterNotFoundException.class,
                () -> store.setRouting("bot", new Routing(1, 3, 5, null, null)));
        assertTrue(missing.getMessage().contains("no version 3"), missing.getMessage());
        assertThrows(AdapterNotFoundException.class, () -> store.setRouting("nobody", Routing.LATEST));
        assertEquals(canary, store.routing("bot"), "a refused routing leaves the old one");

        store.setRouting("bot", Routing.LATEST);
        assertEquals(Routing.LATEST, store.routing("bot"));
        try (var names = Files.list(root().resolve("bot"))) {
            assertTrue(names.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }

    @Test
    void routingWrittenByAnotherStoreInstanceIsSeen() throws IOException {
        AdapterStore first = AdapterStore.open(root(), FINGERPRINT);
        publish(first, "bot", peftFolder(tmp.resolve("a"), 1));
        AdapterStore second = AdapterStore.open(root(), FINGERPRINT);
        assertEquals(Routing.LATEST, first.routing("bot"));
        publish(second, "bot", tmp.resolve("a"));
        second.setRouting("bot", new Routing(1, 2, 50, null, null));
        assertEquals(new Routing(1, 2, 50, null, null), first.routing("bot"));
        assertEquals(List.of(1, 2), versionNumbers(first.versions("bot")), "the other instance's publish is seen");
    }

    @Test
    void deleteIsRefusedForWhatRoutingServes() throws IOException {
        AdapterStore store = AdapterStore.open(root(), FINGERPRINT);
        for (int i = 1; i <= 3; i++) {
            publish(store, "bot", peftFolder(tmp.resolve("src" + i), i));
        }
        IllegalStateException latest = assertThrows(IllegalStateException.class, () -> store.delete("bot", 3));
        assertTrue(latest.getMessage().contains("bot@3 is the stable version (the latest"), latest.getMessage());
        store.setRouting("bot", new Routing(1, 2, 20, null, null));
        IllegalStateException stable = assertThrows(IllegalStateException.class, () -> store.delete("bot", 1));
        assertTrue(stable.getMessage().contains("bot@1 is the stable version"), stable.getMessage());
        IllegalStateException canary = assertThrows(IllegalStateException.class, () -> store.delete("bot", 2));
        assertTrue(canary.getMessage().contains("bot@2 is the canary"), canary.getMessage());
        assertThrows(AdapterNotFoundException.class, () -> store.delete("bot", 9));
        assertEquals(List.of(1, 2, 3), versionNumbers(store.versions("bot")));
        store.delete("bot", 3);
        assertEquals(List.of(1, 2), versionNumbers(store.versions("bot")));
    }

    @Test
    void versionsOfAnotherBaseAreListedButNotResolved() throws IOException {
        AdapterStore store = AdapterStore.open(root(), FINGERPRINT);
        publish(store, "bot", peftFolder(tmp.resolve("src"), 1));
        String otherBase = AdapterStore.fingerprint(TinyModels.mistral());
        AdapterStore other = AdapterStore.open(root(), otherBase);
        assertEquals(1, other.versions("bot").size());
        IncompatibleBaseException e = assertThrows(IncompatibleBaseException.class, () -> other.resolve("bot", 1));
        assertTrue(e.getMessage().contains("bot@1 was published for another base model"), e.getMessage());
        assertTrue(e.getMessage().contains(FINGERPRINT) && e.getMessage().contains(otherBase), e.getMessage());
        assertThrows(IncompatibleBaseException.class, () -> other.folder("bot", 1));
    }

    @Test
    void theFingerprintCoversTheShapeButNotGenerationSettings() {
        var c = BASE;
        assertTrue(FINGERPRINT.matches("[0-9a-f]{64}"), FINGERPRINT);
        assertEquals(FINGERPRINT, AdapterStore.fingerprint(TinyModels.llamaGqa()));
        var wider = new dev.scion.engine.model.ModelConfig(c.architecture(), c.hiddenSize(), c.numLayers(),
                c.numHeads(), c.numKvHeads(), c.headDim(), c.intermediateSize() * 2, c.vocabSize(), c.rmsNormEps(),
                c.ropeTheta(), c.ropeScaling(), c.maxPositionEmbeddings(), c.tieWordEmbeddings(), c.attentionBias(),
                c.bosTokenId(), c.eosTokenIds());
        assertNotEquals(FINGERPRINT, AdapterStore.fingerprint(wider));
        var otherEos = new dev.scion.engine.model.ModelConfig(c.architecture(), c.hiddenSize(), c.numLayers(),
                c.numHeads(), c.numKvHeads(), c.headDim(), c.intermediateSize(), c.vocabSize(), c.rmsNormEps(),
                c.ropeTheta(), c.ropeScaling(), 99, c.tieWordEmbeddings(), c.attentionBias(), 5, List.of(6, 7));
        assertEquals(FINGERPRINT, AdapterStore.fingerprint(otherEos));
        assertNotEquals(AdapterStore.fingerprint(TinyModels.llamaRopeScaled()),
                AdapterStore.fingerprint(TinyModels.llamaGqa()));
    }

    @Test
    void manifestsRecordTheLargestRankAndEveryTarget() throws IOException {
        AdapterStore store = AdapterStore.open(root(), FINGERPRINT);
        Path all = StoreFixtures.peftFolder(tmp.resolve("all"), BASE, 8, EnumSet.allOf(Projection.class), 3);
        AdapterManifest m = publish(store, "all-proj", all);
        assertEquals(8, m.rank());
        assertEquals(List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
                m.targets());
    }

    private static List<Integer> versionNumbers(List<AdapterManifest> manifests) {
        return manifests.stream().map(AdapterManifest::version).toList();
    }

    private static void assertSameWeights(LoraAdapter expected, LoraAdapter actual) {
        assertEquals(expected.factors().keySet(), actual.factors().keySet());
        for (Map.Entry<LoraTarget, LoraFactor> e : expected.factors().entrySet()) {
            LoraFactor a = actual.factors().get(e.getKey());
            assertArrayEquals(e.getValue().a(), a.a());
            assertArrayEquals(e.getValue().b(), a.b());
            assertEquals(e.getValue().scaling(), a.scaling());
        }
    }
}
