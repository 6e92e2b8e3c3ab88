package dev.scion.engine.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.model.Projection;
import dev.scion.engine.weights.SafetensorsFile;
import dev.scion.engine.weights.TensorData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeftAdapterTest {

    @TempDir
    Path root;

    private static LoraAdapter adapter(PeftConfig config, Set<Projection> projections) {
        Map<LoraTarget, LoraFactor> factors = new LinkedHashMap<>();
        long seed = 1;
        for (int layer = 0; layer < 2; layer++) {
            for (Projection p : projections) {
                String path = p.path(layer);
                int rank = config.rankFor(path);
                int in = p.inDim(AdapterFolders.BASE);
                int out = p.outDim(AdapterFolders.BASE);
                factors.put(new LoraTarget(layer, p), new LoraFactor(rank, in, out, config.scaling(path),
                        AdapterFolders.random(rank * in, seed++), AdapterFolders.random(out * rank, seed++)));
            }
        }
        return new LoraAdapter("tuned", factors);
    }

    private static void assertSameFactors(LoraAdapter expected, LoraAdapter actual) {
        assertEquals(expected.factors().keySet(), actual.factors().keySet());
        for (Map.Entry<LoraTarget, LoraFactor> e : expected.factors().entrySet()) {
            LoraFactor want = e.getValue();
            LoraFactor got = actual.factors().get(e.getKey());
            assertEquals(want.rank(), got.rank(), e.getKey().toString());
            assertEquals(want.in(), got.in());
            assertEquals(want.out(), got.out());
            assertEquals(want.scaling(), got.scaling(), 1e-12, e.getKey().toString());
            assertArrayEquals(want.a(), got.a());
            assertArrayEquals(want.b(), got.b());
        }
    }

    @Test
    void writeThenLoadGivesTheSameFactorsAndScaling() throws IOException {
        PeftConfig config = PeftConfig.of(4, 8, Set.of(Projection.Q, Projection.V, Projection.DOWN), "tiny-llama");
        LoraAdapter written = adapter(config, Set.of(Projection.Q, Projection.V, Projection.DOWN));
        Path dir = root.resolve("adapter");
        PeftAdapter.write(written, dir, config);
        LoraAdapter loaded = PeftAdapter.load(dir, "tuned", AdapterFolders.BASE);
        assertEquals("tuned", loaded.name());
        assertEquals(6, loaded.factors().size());
        assertEquals(2.0, loaded.factors().get(new LoraTarget(1, Projection.DOWN)).scaling());
        assertSameFactors(written, loaded);

        JsonNode json = AdapterFolders.JSON.readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals("LORA", json.get("peft_type").asText());
        assertEquals("CAUSAL_LM", json.get("task_type").asText());
        assertEquals(4, json.get("r").asInt());
        assertEquals(8.0, json.get("lora_alpha").asDouble());
        assertEquals("[\"q_proj\",\"v_proj\",\"down_proj\"]", json.get("target_modules").toString());
        assertEquals(false, json.get("use_rslora").asBoolean());
        assertEquals("none", json.get("bias").asText());
        assertEquals("tiny-llama", json.get("base_model_name_or_path").asText());
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            assertTrue(f.names().contains("base_model.model.model.layers.1.mlp.down_proj.lora_A.weight"));
            assertArrayEquals(new long[] {8, 4},
                    f.info("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight").shape());
            assertArrayEquals(new long[] {4, 12},
                    f.info("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight").shape());
            assertEquals(12, f.names().size());
        }
    }

    @Test
    void rsloraScalesByTheSquareRootOfTheRank() throws IOException {
        PeftConfig config = PeftConfig.of(4, 8, Set.of(Projection.K), "tiny").withRslora(true);
        LoraAdapter written = adapter(config, Set.of(Projection.K));
        assertEquals(4.0, written.factors().get(new LoraTarget(0, Projection.K)).scaling());
        Path dir = root.resolve("rslora");
        PeftAdapter.write(written, dir, config);
        assertTrue(AdapterFolders.JSON.readTree(dir.resolve("adapter_config.json").toFile()).get("use_rslora").asBoolean());
        assertSameFactors(written, PeftAdapter.load(dir, "r", AdapterFolders.BASE));

        ObjectNode c = AdapterFolders.config();
        c.put("r", 16).put("lora_alpha", 32).put("use_rslora", true);
        Map<String, TensorData> t = new LinkedHashMap<>();
        AdapterFolders.addFactor(t, 0, Projection.Q, 16, 3);
        LoraAdapter loaded = PeftAdapter.load(AdapterFolders.write(root.resolve("hand"), c, t), "h", AdapterFolders.BASE);
        assertEquals(8.0, loaded.factors().get(new LoraTarget(0, Projection.Q)).scaling());
    }

    @Test
    void rankAndAlphaPatternsFollowPeftMatching() throws IOException {
        ObjectNode c = AdapterFolders.config();
        // First matching key wins; a key matches the whole path or a dotted suffix of it.
        c.putObject("rank_pattern").put("layers.1.self_attn.q_proj", 2).put("q_proj", 3).put("proj", 1);
        c.putObject("alpha_pattern").put("v_proj", 16).put("model.layers.0.self_attn.q_proj", 6);
        Map<String, TensorData> t = new LinkedHashMap<>();
        AdapterFolders.addFactor(t, 0, Projection.Q, 3, 1);
        AdapterFolders.addFactor(t, 1, Projection.Q, 2, 3);
        AdapterFolders.addFactor(t, 0, Projection.V, 4, 5); // "proj" is not a dotted suffix of v_proj: r stays 4
        LoraAdapter a = PeftAdapter.load(AdapterFolders.write(root.resolve("pattern"), c, t), "p", AdapterFolders.BASE);
        LoraFactor q0 = a.factors().get(new LoraTarget(0, Projection.Q));
        LoraFactor q1 = a.factors().get(new LoraTarget(1, Projection.Q));
        LoraFactor v0 = a.factors().get(new LoraTarget(0, Projection.V));
        assertEquals(3, q0.rank());
        assertEquals(6.0 / 3, q0.scaling(), 1e-12);
        assertEquals(2, q1.rank());
        assertEquals(8.0 / 2, q1.scaling(), 1e-12);
        assertEquals(4, v0.rank());
        assertEquals(16.0 / 4, v0.scaling(), 1e-12);

        Path dir = root.resolve("written");
        PeftAdapter.write(a, dir, new PeftConfig(4, 8, false, List.of("q_proj", "v_proj"), null,
                orderedRanks(), orderedAlphas(), List.of(), "tiny"));
        assertSameFactors(a, PeftAdapter.load(dir, "p", AdapterFolders.BASE));
        JsonNode json = AdapterFolders.JSON.readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals("{\"layers.1.self_attn.q_proj\":2,\"q_proj\":3}", json.get("rank_pattern").toString());
        assertEquals("{\"v_proj\":16.0,\"model.layers.0.self_attn.q_proj\":6.0}", json.get("alpha_pattern").toString());
    }

    private static Map<String, Integer> orderedRanks() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("layers.1.self_attn.q_proj", 2);
        m.put("q_proj", 3);
        return m;
    }

    private static Map<String, Double> orderedAlphas() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("v_proj", 16.0);
        m.put("model.layers.0.self_attn.q_proj", 6.0);
        return m;
    }

    @Test
    void layersToTransformSelectsLayers() throws IOException {
        ObjectNode c = AdapterFolders.config();
        c.put("layers_to_transform", 1);
        Map<String, TensorData> t = new LinkedHashMap<>();
        AdapterFolders.addFactor(t, 1, Projection.Q, 4, 1);
        LoraAdapter a = PeftAdapter.load(AdapterFolders.write(root.resolve("int"), c, t), "l", AdapterFolders.BASE);
        assertEquals(Set.of(new LoraTarget(1, Projection.Q)), a.factors().keySet());

        AdapterFolders.addFactor(t, 0, Projection.V, 4, 3);
        Path dir = AdapterFolders.write(root.resolve("int-bad"), c, t);
        PeftRefusalTest.assertRefused(dir, "adapter_model.safetensors", "layers.0.self_attn.v_proj.lora_A.weight",
                "not selected by target_modules/layers_to_transform");

        c.putArray("layers_to_transform").add(0).add(1);
        LoraAdapter both = PeftAdapter.load(AdapterFolders.write(root.resolve("list"), c, t), "l", AdapterFolders.BASE);
        assertEquals(2, both.factors().size());

        PeftConfig config = new PeftConfig(4, 8, false, List.of("q_proj"), null, Map.of(), Map.of(), List.of(1), "t");
        assertTrue(config.targets(1, Projection.Q));
        assertEquals(false, config.targets(0, Projection.Q));
        LoraAdapter one = adapter(config, Set.of(Projection.Q));
        LoraAdapter onlyLayer1 = new LoraAdapter("x", Map.of(new LoraTarget(1, Projection.Q),
                one.factors().get(new LoraTarget(1, Projection.Q))));
        Path written = root.resolve("written");
        PeftAdapter.write(onlyLayer1, written, config);
        assertEquals("[1]", AdapterFolders.JSON.readTree(written.resolve("adapter_config.json").toFile())
                .get("layers_to_transform").toString());
        assertSameFactors(onlyLayer1, PeftAdapter.load(written, "x", AdapterFolders.BASE));
        assertThrows(IllegalArgumentException.class, () -> PeftAdapter.write(one, root.resolve("w2"), config));
    }

    @Test
    void targetModulesAsRegexOrAllLinear() throws IOException {
        ObjectNode c = AdapterFolders.config();
        c.put("target_modules", ".*\\.layers\\.0\\.self_attn\\.(q|v)_proj");
        Map<String, TensorData> t = new LinkedHashMap<>();
        AdapterFolders.addFactor(t, 0, Projection.V, 4, 1);
        assertEquals(1, PeftAdapter.load(AdapterFolders.write(root.resolve("re"), c, t), "r", AdapterFolders.BASE)
                .factors().size());
        AdapterFolders.addFactor(t, 1, Projection.V, 4, 3);
        PeftRefusalTest.assertRefused(AdapterFolders.write(root.resolve("re-bad"), c, t), "adapter_model.safetensors",
                "layers.1.self_attn.v_proj.lora_A.weight", "not selected by target_modules");

        c.put("target_modules", "all-linear");
        Map<String, TensorData> all = new LinkedHashMap<>();
        long seed = 1;
        for (Projection p : Projection.values()) {
            AdapterFolders.addFactor(all, 1, p, 4, seed += 2);
        }
        LoraAdapter a = PeftAdapter.load(AdapterFolders.write(root.resolve("all"), c, all), "a", AdapterFolders.BASE);
        assertEquals(7, a.factors().size());
        assertEquals(12, a.factors().get(new LoraTarget(1, Projection.DOWN)).in());
        assertEquals(4, a.factors().get(new LoraTarget(1, Projection.K)).out());
    }

    @Test
    void keysWithTheAdapterNameAreAccepted() throws IOException {
        Map<String, TensorData> t = new LinkedHashMap<>();
        AdapterFolders.addFactor(t, 0, Projection.Q, 4, 1);
        Map<String, TensorData> named = new LinkedHashMap<>();
        t.forEach((k, v) -> named.put(k.replace(".weight", ".default.weight"), v));
        LoraAdapter a = PeftAdapter.load(AdapterFolders.write(root.resolve("named"), AdapterFolders.config(), named),
                "n", AdapterFolders.BASE);
        assertArrayEquals(t.get(AdapterFolders.key(0, Projection.Q, "A")).values(),
                a.factors().get(new LoraTarget(0, Projection.Q)).a());
    }

    @Test
    void halfPrecisionAdaptersLoad() throws IOException {
        Map<String, TensorData> t = new LinkedHashMap<>();
        t.put(AdapterFolders.key(0, Projection.Q, "A"), new TensorData(dev.scion.engine.weights.DType.BF16,
                new long[] {4, 8}, filled(32, 0.5f)));
        t.put(AdapterFolders.key(0, Projection.Q, "B"), new TensorData(dev.scion.engine.weights.DType.F16,
                new long[] {8, 4}, filled(32, -0.25f)));
        LoraFactor f = PeftAdapter.load(AdapterFolders.write(root.resolve("half"), AdapterFolders.config(), t), "h",
                AdapterFolders.BASE).factors().get(new LoraTarget(0, Projection.Q));
        assertArrayEquals(filled(32, 0.5f), f.a());
        assertArrayEquals(filled(32, -0.25f), f.b());
    }

    private static float[] filled(int n, float v) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, v);
        return out;
    }
}
