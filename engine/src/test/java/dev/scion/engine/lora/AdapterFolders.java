package dev.scion.engine.lora;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.weights.DType;
import dev.scion.engine.weights.SafetensorsWriter;
import dev.scion.engine.weights.TensorData;
import dev.scion.engine.weights.TinyLlama;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** Hand-built PEFT adapter folders for the tiny Llama, so tests control every field and tensor. */
final class AdapterFolders {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ModelConfig BASE = TinyLlama.config();

    private AdapterFolders() {}

    /** r 4, alpha 8, q_proj and v_proj: what PEFT writes for a typical small fine-tune. */
    static ObjectNode config() {
        ObjectNode c = JSON.createObjectNode();
        c.put("peft_type", "LORA");
        c.put("task_type", "CAUSAL_LM");
        c.put("r", 4);
        c.put("lora_alpha", 8);
        c.putArray("target_modules").add("q_proj").add("v_proj");
        c.put("lora_dropout", 0.05);
        c.put("bias", "none");
        c.put("fan_in_fan_out", false);
        c.putNull("modules_to_save");
        return c;
    }

    static String key(int layer, Projection p, String which) {
        return "base_model.model." + p.path(layer) + ".lora_" + which + ".weight";
    }

    /** Adds lora_A (rank, in) and lora_B (out, rank) of one projection with seeded values. */
    static void addFactor(Map<String, TensorData> tensors, int layer, Projection p, int rank, long seed) {
        int in = p.inDim(BASE);
        int out = p.outDim(BASE);
        tensors.put(key(layer, p, "A"), new TensorData(DType.F32, new long[] {rank, in}, random(rank * in, seed)));
        tensors.put(key(layer, p, "B"), new TensorData(DType.F32, new long[] {out, rank}, random(out * rank, seed + 1)));
    }

    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    static Path write(Path dir, ObjectNode config, Map<String, TensorData> tensors) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("adapter_config.json"), JSON.writeValueAsString(config));
        SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"), tensors, Map.of("format", "pt"));
        return dir;
    }
}
