package dev.scion.engine.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.model.Projection;
import dev.scion.engine.weights.Checkpoint;
import dev.scion.engine.weights.DType;
import dev.scion.engine.weights.TensorData;
import dev.scion.engine.weights.TinyLlama;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoraMergeTest {

    @TempDir
    Path root;

    @Test
    void mergedWeightMatchesAHandComputedExample() {
        float[] w = {1, 2, 3, 4, 5, 6}; // (out 2, in 3)
        float[] a = {1, 0, 2, 0, 1, -1}; // (rank 2, in 3)
        float[] b = {1, 2, 0, -1}; // (out 2, rank 2)
        // B·A = [[1, 2, 0], [0, -1, 1]]; times 0.5 added to W.
        float[] merged = LoraMerge.mergedWeight(w, new LoraFactor(2, 3, 2, 0.5, a, b));
        assertArrayEquals(new float[] {1.5f, 3f, 3f, 4f, 4.5f, 6.5f}, merged);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, w, "the input is left untouched");
    }

    @Test
    void aWeightOfTheWrongSizeIsRefused() {
        LoraFactor f = new LoraFactor(1, 3, 2, 1.0, new float[3], new float[2]);
        assertThrows(IllegalArgumentException.class, () -> LoraMerge.mergedWeight(new float[5], f));
    }

    /** An adapter on layer 0 q_proj and layer 1 down_proj that went through PEFT's file format. */
    private LoraAdapter peftAdapter() throws IOException {
        PeftConfig config = PeftConfig.of(2, 4, Set.of(Projection.Q, Projection.DOWN), "tiny");
        ModelConfig base = TinyLlama.config();
        Map<LoraTarget, LoraFactor> factors = new LinkedHashMap<>();
        for (LoraTarget t : List.of(new LoraTarget(0, Projection.Q), new LoraTarget(1, Projection.DOWN))) {
            int in = t.projection().inDim(base);
            int out = t.projection().outDim(base);
            factors.put(t, new LoraFactor(2, in, out, 2.0, AdapterFolders.random(2 * in, t.layer() * 10 + 1),
                    AdapterFolders.random(out * 2, t.layer() * 10 + 2)));
        }
        Path dir = root.resolve("adapter");
        PeftAdapter.write(new LoraAdapter("tuned", factors), dir, config);
        return PeftAdapter.load(dir, "tuned", base);
    }

    @Test
    void theMergedCheckpointLoadsBackWithMergedValuesInTheBaseDtype() throws IOException {
        Path baseDir = root.resolve("base");
        Map<String, TensorData> base = TinyLlama.writeCheckpoint(baseDir, DType.BF16, 7);
        Files.writeString(baseDir.resolve("special_tokens_map.json"), "{\"eos_token\": \"</s>\"}");
        Files.write(baseDir.resolve("stale.bin"), new byte[] {1});
        LoraAdapter adapter = peftAdapter();
        Path out = root.resolve("merged");

        LoraMerge.writeMergedCheckpoint(baseDir, adapter, TinyLlama.config(), out);

        ModelConfig reloaded = ModelConfig.load(out);
        assertEquals(TinyLlama.config().hiddenSize(), reloaded.hiddenSize());
        assertEquals(List.of(2, 3), reloaded.eosTokenIds(), "generation_config.json copied");
        assertEquals("{\"eos_token\": \"</s>\"}", Files.readString(out.resolve("special_tokens_map.json")));
        assertTrue(Files.exists(out.resolve("tokenizer_config.json")));
        assertFalse(Files.exists(out.resolve("stale.bin")), "pickle files are not copied");
        try (Checkpoint merged = Checkpoint.open(out)) {
            assertEquals(base.keySet(), merged.names());
            for (Map.Entry<String, TensorData> e : base.entrySet()) {
                assertEquals(DType.BF16, merged.info(e.getKey()).dtype(), e.getKey());
                assertArrayEquals(e.getValue().shape(), merged.info(e.getKey()).shape());
            }
            String q0 = "model.layers.0.self_attn.q_proj.weight";
            String down1 = "model.layers.1.mlp.down_proj.weight";
            assertArrayEquals(expected(base.get(q0), adapter.factors().get(new LoraTarget(0, Projection.Q))),
                    merged.floats(q0));
            assertArrayEquals(expected(base.get(down1), adapter.factors().get(new LoraTarget(1, Projection.DOWN))),
                    merged.floats(down1));
            assertFalse(Arrays.equals(base.get(q0).values(), merged.floats(q0)), "the adapter changed q_proj");
            for (String untouched : List.of("model.layers.1.self_attn.q_proj.weight", "model.layers.0.mlp.down_proj.weight",
                    "model.embed_tokens.weight", "lm_head.weight", "model.norm.weight")) {
                assertArrayEquals(base.get(untouched).values(), merged.floats(untouched), untouched);
            }
        }
    }

    /** W + scaling·B·A rounded to bfloat16, computed independently of LoraMerge. */
    private static float[] expected(TensorData w, LoraFactor f) {
        float[] out = new float[w.values().length];
        for (int o = 0; o < f.out(); o++) {
            for (int i = 0; i < f.in(); i++) {
                double delta = 0;
                for (int k = 0; k < f.rank(); k++) {
                    delta += (double) f.b()[o * f.rank() + k] * f.a()[k * f.in() + i];
                }
                out[o * f.in() + i] = TinyLlama.representable(DType.BF16,
                        (float) (w.values()[o * f.in() + i] + f.scaling() * delta));
            }
        }
        return out;
    }

    @Test
    void anF32BaseIsMergedExactly() throws IOException {
        Path baseDir = root.resolve("base32");
        Map<String, TensorData> base = TinyLlama.writeCheckpoint(baseDir, DType.F32, 3);
        LoraAdapter adapter = peftAdapter();
        Path out = Files.createDirectories(root.resolve("empty-existing"));
        LoraMerge.writeMergedCheckpoint(baseDir, adapter, TinyLlama.config(), out);
        String q0 = "model.layers.0.self_attn.q_proj.weight";
        try (Checkpoint merged = Checkpoint.open(out)) {
            assertEquals(DType.F32, merged.info(q0).dtype());
            assertArrayEquals(LoraMerge.mergedWeight(base.get(q0).values(),
                    adapter.factors().get(new LoraTarget(0, Projection.Q))), merged.floats(q0));
        }
    }

    @Test
    void aNonEmptyOutputFolderIsRefusedAndLeftAlone() throws IOException {
        Path baseDir = root.resolve("base");
        TinyLlama.writeCheckpoint(baseDir, DType.F16, 7);
        Path out = Files.createDirectories(root.resolve("taken"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> LoraMerge.writeMergedCheckpoint(baseDir, peftAdapter(), TinyLlama.config(), out));
        assertTrue(e.getMessage().contains(out.toString()) && e.getMessage().contains("not empty"), e.getMessage());
        assertEquals(List.of(out.resolve("notes.txt")), Files.list(out).toList());
        assertThrows(FileAlreadyExistsException.class,
                () -> LoraMerge.writeMergedCheckpoint(baseDir, peftAdapter(), TinyLlama.config(), baseDir));
    }

    @Test
    void aBaseMissingAnAdaptedWeightIsRefusedNamingIt() throws IOException {
        Path baseDir = root.resolve("base");
        Map<String, TensorData> tensors = TinyLlama.tensors(DType.F32, 1);
        tensors.remove("model.layers.1.mlp.down_proj.weight");
        Files.createDirectories(baseDir);
        Files.writeString(baseDir.resolve("config.json"), TinyLlama.CONFIG_JSON);
        dev.scion.engine.weights.SafetensorsWriter.write(baseDir.resolve("model.safetensors"), tensors, Map.of());
        Path out = root.resolve("out");
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> LoraMerge.writeMergedCheckpoint(baseDir, peftAdapter(), TinyLlama.config(), out));
        assertTrue(e.getMessage().contains("model.layers.1.mlp.down_proj.weight"), e.getMessage());
        assertFalse(Files.exists(out), "nothing is written when the merge cannot succeed");
    }

    @Test
    void anAdapterThatDoesNotFitTheConfigIsRefused() throws IOException {
        Path baseDir = root.resolve("base");
        TinyLlama.writeCheckpoint(baseDir, DType.F32, 1);
        LoraAdapter wrongLayer = new LoraAdapter("x", Map.of(new LoraTarget(5, Projection.Q),
                new LoraFactor(1, 8, 8, 1.0, new float[8], new float[8])));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoraMerge.writeMergedCheckpoint(baseDir, wrongLayer, TinyLlama.config(), root.resolve("o")));
        assertTrue(e.getMessage().contains("model.layers.5.self_attn.q_proj"), e.getMessage());
    }
}
