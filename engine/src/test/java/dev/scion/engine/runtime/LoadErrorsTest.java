package dev.scion.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.reference.TinyModels;
import dev.scion.engine.weights.Checkpoint;
import dev.scion.engine.weights.DType;
import dev.scion.engine.weights.RandomWeights;
import dev.scion.engine.weights.SafetensorsWriter;
import dev.scion.engine.weights.TensorData;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the runtime refuses at load, and the precision settings it accepts. */
class LoadErrorsTest {
    @TempDir
    Path tmp;

    /** Writes a checkpoint of {@code config} whose tensors are edited by {@code edit} first. */
    Path checkpoint(ModelConfig config, java.util.function.Consumer<Map<String, TensorData>> edit) throws Exception {
        Path dir = TinyCheckpoints.write(tmp.resolve("ok"), config, 1, DType.F32, 1);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        try (RandomWeights w = new RandomWeights(config, 1)) {
            for (String name : RandomWeights.tensorNames(config)) {
                tensors.put(name, new TensorData(DType.F32, RandomWeights.shape(config, name), w.floats(name)));
            }
        }
        edit.accept(tensors);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of());
        return dir;
    }

    @Test
    void aMissingTensorIsNamedWithItsCheckpoint() throws Exception {
        ModelConfig c = TinyModels.qwen2();
        Path dir = checkpoint(c, t -> t.remove("model.layers.1.self_attn.k_proj.bias"));
        try (Checkpoint weights = Checkpoint.open(dir)) {
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> Transformer.load(c, weights, RuntimeOptions.CPU));
            assertTrue(e.getMessage().contains("model.layers.1.self_attn.k_proj.bias"), e.getMessage());
            assertTrue(e.getMessage().startsWith(dir.toString()), "names the checkpoint: " + e.getMessage());
        }
    }

    @Test
    void aWrongShapeIsNamedWithBothShapes() throws Exception {
        ModelConfig c = TinyModels.llamaGqa();
        Path dir = checkpoint(c, t -> t.put("model.layers.0.mlp.down_proj.weight",
                new TensorData(DType.F32, new long[] {64, 64}, new float[64 * 64])));
        try (Checkpoint weights = Checkpoint.open(dir)) {
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> Transformer.load(c, weights, RuntimeOptions.CPU));
            assertTrue(e.getMessage().contains("model.layers.0.mlp.down_proj.weight"), e.getMessage());
            assertTrue(e.getMessage().contains("[64, 64]") && e.getMessage().contains("[64, 128]"), e.getMessage());
        }
    }

    @Test
    void float16ComputeTracksFloat32AndBfloat16IsRefusedOnTheCpu() {
        ModelConfig c = TinyModels.qwen3();
        int[] prompt = {1, 40, 7, 99};
        try (RandomWeights w = new RandomWeights(c, 5);
                Transformer full = Transformer.load(c, w, RuntimeOptions.CPU);
                Transformer half = Transformer.load(c, w, new RuntimeOptions("cpu", "float16", 0));
                KvCache a = new KvCache(full, 1, 8);
                KvCache b = new KvCache(half, 1, 8)) {
            float[] x = full.forward(List.of(new SequenceChunk(0, 0, prompt, -1)), a, LoraBatch.none()).row(0);
            float[] y = half.forward(List.of(new SequenceChunk(0, 0, prompt, -1)), b, LoraBatch.none()).row(0);
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], 0.05 * Math.max(1, Math.abs(x[i])), "logit " + i);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Transformer.load(c, w, new RuntimeOptions("cpu", "bfloat16", 0)));
            assertTrue(e.getMessage().contains("bfloat16"), e.getMessage());
        }
    }
}
