package dev.scion.engine.lora;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.model.Projection;
import dev.scion.engine.weights.DType;
import dev.scion.engine.weights.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way an adapter folder can be unusable is refused, naming the file and the tensor or field. */
class PeftRefusalTest {

    @TempDir
    Path root;

    private ObjectNode config;
    private Map<String, TensorData> tensors;

    @BeforeEach
    void validAdapter() {
        config = AdapterFolders.config();
        tensors = new LinkedHashMap<>();
        AdapterFolders.addFactor(tensors, 0, Projection.Q, 4, 1);
        AdapterFolders.addFactor(tensors, 1, Projection.V, 4, 3);
    }

    private Path folder() throws IOException {
        return AdapterFolders.write(root.resolve("adapter"), config, tensors);
    }

    static void assertRefused(Path dir, String... expected) {
        assertRefused(dir, PeftAdapter.DEFAULT_MAX_RANK, expected);
    }

    static void assertRefused(Path dir, int maxRank, String... expected) {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> PeftAdapter.load(dir, "bad", AdapterFolders.BASE, maxRank));
        assertTrue(e.getMessage().contains(dir.toString()), "names the folder: " + e.getMessage());
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), "message should contain \"" + part + "\": " + e.getMessage());
        }
    }

    @Test
    void theBaselineAdapterLoads() throws IOException {
        assertTrue(PeftAdapter.load(folder(), "ok", AdapterFolders.BASE).factors().size() == 2);
    }

    @Test
    void pickleWeightsAreRefusedWithTheReason() throws IOException {
        Path dir = folder();
        Files.delete(dir.resolve("adapter_model.safetensors"));
        Files.write(dir.resolve("adapter_model.bin"), new byte[] {(byte) 0x80, 2});
        assertRefused(dir, "adapter_model.bin", "pickle", "unpickling runs arbitrary code", "safe_serialization");
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        Path dir = folder();
        Files.delete(dir.resolve("adapter_config.json"));
        assertRefused(dir, "adapter_config.json: not found");
        Files.delete(dir.resolve("adapter_model.safetensors"));
        assertRefused(dir, "adapter_model.safetensors: not found");
        assertRefused(root.resolve("nowhere"), "does not exist");
    }

    @Test
    void invalidJsonIsRefused() throws IOException {
        Path dir = folder();
        Files.writeString(dir.resolve("adapter_config.json"), "{\"r\": 4, ");
        assertRefused(dir, "adapter_config.json: invalid JSON");
        Files.writeString(dir.resolve("adapter_config.json"), "[4]");
        assertRefused(dir, "adapter_config.json: expected a JSON object");
    }

    @Test
    void unknownTensorKeysAreRefused() throws IOException {
        float[] four = new float[4];
        for (String key : new String[] {
                "base_model.model.model.embed_tokens.weight",
                "base_model.model.lm_head.lora_A.weight",
                "base_model.model.model.layers.0.mlp.q_proj.lora_A.weight",
                "base_model.model.model.layers.0.self_attn.q_proj.lora_magnitude_vector",
                "base_model.model.model.layers.0.self_attn.rotary_emb.lora_A.weight",
                "model.layers.0.self_attn.q_proj.lora_A.weight"}) {
            validAdapter();
            tensors.put(key, new TensorData(DType.F32, new long[] {4}, four));
            assertRefused(folder(), "adapter_model.safetensors: tensor " + key, "not a LoRA weight");
        }
    }

    @Test
    void aLayerBeyondTheBaseModelIsRefused() throws IOException {
        AdapterFolders.addFactor(tensors, 2, Projection.Q, 4, 5);
        assertRefused(folder(), "tensor base_model.model.model.layers.2.self_attn.q_proj.lora_", "layer 2 is out of range",
                "2 layers");
    }

    @Test
    void aProjectionOutsideTargetModulesIsRefused() throws IOException {
        AdapterFolders.addFactor(tensors, 0, Projection.K, 4, 5);
        assertRefused(folder(), "tensor base_model.model.model.layers.0.self_attn.k_proj.lora_",
                "model.layers.0.self_attn.k_proj is not selected by target_modules");
    }

    @Test
    void unpairedFactorsAreRefused() throws IOException {
        tensors.remove(AdapterFolders.key(1, Projection.V, "B"));
        assertRefused(folder(), "tensor " + AdapterFolders.key(1, Projection.V, "A") + " has no matching lora_B");
        validAdapter();
        tensors.remove(AdapterFolders.key(0, Projection.Q, "A"));
        assertRefused(folder(), "tensor " + AdapterFolders.key(0, Projection.Q, "B") + " has no matching lora_A");
    }

    @Test
    void duplicateKeysInBothNamingFormsAreRefused() throws IOException {
        String a = AdapterFolders.key(0, Projection.Q, "A");
        tensors.put(a.replace(".weight", ".default.weight"), tensors.get(a));
        assertRefused(folder(), "duplicates tensor");
    }

    @Test
    void shapesThatDoNotFitTheBaseModelAreRefused() throws IOException {
        String a = AdapterFolders.key(0, Projection.Q, "A");
        tensors.put(a, new TensorData(DType.F32, new long[] {4, 9}, new float[36]));
        assertRefused(folder(), "tensor " + a + " has shape [4, 9]", "[4, 8]");
        validAdapter();
        String b = AdapterFolders.key(1, Projection.V, "B");
        tensors.put(b, new TensorData(DType.F32, new long[] {8, 4}, new float[32])); // v_proj out is 4
        assertRefused(folder(), "tensor " + b + " has shape [8, 4]", "[4, 4]");
        validAdapter();
        tensors.put(b, new TensorData(DType.F32, new long[] {16}, new float[16]));
        assertRefused(folder(), "tensor " + b + " has shape [16]");
    }

    @Test
    void aRankDifferingFromTheConfigIsRefused() throws IOException {
        tensors.clear();
        AdapterFolders.addFactor(tensors, 0, Projection.Q, 2, 1);
        assertRefused(folder(), "tensor " + AdapterFolders.key(0, Projection.Q, "A") + " has rank 2",
                "r/rank_pattern", "rank 4");
        config.putObject("rank_pattern").put("q_proj", 2);
        assertTrue(PeftAdapter.load(folder(), "ok", AdapterFolders.BASE).factors().size() == 1);
        config.putObject("rank_pattern").put("q_proj", 3);
        assertRefused(folder(), "has rank 2", "rank 3");
    }

    @Test
    void badRanksAreRefused() throws IOException {
        config.put("r", 0);
        assertRefused(folder(), "adapter_config.json: r must be a positive integer");
        config.put("r", "4");
        assertRefused(folder(), "adapter_config.json: r must be a positive integer");
        config.put("r", 4);
        assertRefused(folder(), 2, "adapter_config.json: r 4 exceeds the maximum rank 2");
        config.put("r", 2).putObject("rank_pattern").put("q_proj", 64);
        assertRefused(folder(), 8, "adapter_config.json: rank_pattern.q_proj 64 exceeds the maximum rank 8");
        config.putObject("rank_pattern").put("q_proj", -1);
        assertRefused(folder(), "adapter_config.json: rank_pattern.q_proj must be a positive integer");
        config.putObject("rank_pattern").put("q_proj[", 2);
        assertRefused(folder(), "adapter_config.json: rank_pattern key 'q_proj[': invalid regular expression");
    }

    @Test
    void nonFiniteValuesAreRefused() throws IOException {
        String b = AdapterFolders.key(1, Projection.V, "B");
        float[] values = new float[16];
        values[5] = Float.NaN;
        tensors.put(b, new TensorData(DType.F32, new long[] {4, 4}, values));
        assertRefused(folder(), "tensor " + b + " holds NaN at element 5");
        values[5] = Float.POSITIVE_INFINITY;
        tensors.put(b, new TensorData(DType.BF16, new long[] {4, 4}, values));
        assertRefused(folder(), "tensor " + b + " holds Infinity at element 5");
    }

    /** Multiplies one tensor of the adapter by {@code factor}; returns its largest magnitude afterwards. */
    private double inflate(String name, double factor) {
        TensorData t = tensors.get(name);
        float[] values = t.values().clone();
        double max = 0;
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (values[i] * factor);
            max = Math.max(max, Math.abs(values[i]));
        }
        tensors.put(name, new TensorData(t.dtype(), t.shape(), values));
        return max;
    }

    @Test
    void finiteWeightsWhoseUpdateOverflowsFloat32AreRefused() throws IOException {
        String a = AdapterFolders.key(1, Projection.V, "A");
        String b = AdapterFolders.key(1, Projection.V, "B");
        inflate(a, 1e30);
        inflate(b, 1e30);
        assertRefused(folder(), "layers.1.self_attn.v_proj", a, b, "cannot be represented in float32",
                "|scaling| x r x max|lora_B| x max|lora_A| = 2.00 x 4 x ", "retrain or rescale");
    }

    @Test
    void anAFactorThatOverflowsOnItsOwnIsRefused() throws IOException {
        String a = AdapterFolders.key(0, Projection.Q, "A");
        String b = AdapterFolders.key(0, Projection.Q, "B");
        inflate(a, 1e35);
        inflate(b, 1e-36); // the update B·A is small, but x · A, computed first, is not
        assertRefused(folder(), "layers.0.self_attn.q_proj", "max|lora_A| ", "cannot be represented in float32");
    }

    @Test
    void theBoundIsScalingTimesRankTimesTheLargestWeightsTimesTheInputReach() throws IOException {
        String a = AdapterFolders.key(1, Projection.V, "A");
        String b = AdapterFolders.key(1, Projection.V, "B");
        double maxA = inflate(a, 1);
        double maxB = inflate(b, 1);
        int in = Projection.V.inDim(AdapterFolders.BASE);
        double bound = 2.0 * 4 * maxA * maxB * in * PeftAdapter.ACTIVATION_HEADROOM; // scaling alpha 8 / r 4
        double f = Math.sqrt(Float.MAX_VALUE / bound); // A and B both times f: the bound reaches Float.MAX_VALUE
        inflate(a, f * 0.99);
        inflate(b, f * 0.99);
        assertTrue(PeftAdapter.load(folder(), "just-under", AdapterFolders.BASE).factors().size() == 2,
                "2% under the bound loads");
        inflate(a, 1.02 / 0.99);
        inflate(b, 1.02 / 0.99);
        assertRefused(folder(), "layers.1.self_attn.v_proj", "cannot be represented in float32");
    }

    @Test
    void anAdapterWithoutTensorsIsRefused() throws IOException {
        tensors.clear();
        assertRefused(folder(), "adapter_model.safetensors: the adapter contains no LoRA tensors");
    }

    @Test
    void optionsScionDoesNotServeAreRefused() throws IOException {
        config.put("bias", "lora_only");
        assertRefused(folder(), "adapter_config.json: bias \"lora_only\"");
        config.put("bias", "none").put("fan_in_fan_out", true);
        assertRefused(folder(), "adapter_config.json: fan_in_fan_out must be false");
        config.put("fan_in_fan_out", false).putArray("modules_to_save").add("lm_head");
        assertRefused(folder(), "adapter_config.json: modules_to_save [\"lm_head\"]");
        config.putNull("modules_to_save").put("use_dora", true);
        assertRefused(folder(), "adapter_config.json: use_dora is not supported");
        config.put("use_dora", false).put("peft_type", "IA3");
        assertRefused(folder(), "adapter_config.json: peft_type IA3");
        config.put("peft_type", "LORA").remove("target_modules");
        assertRefused(folder(), "adapter_config.json: target_modules is missing");
        config.putArray("target_modules");
        assertRefused(folder(), "adapter_config.json: target_modules must be a non-empty list");
        config.put("target_modules", "q_proj(");
        assertRefused(folder(), "adapter_config.json: target_modules: invalid regular expression");
        config.putArray("target_modules").add("q_proj").add("v_proj");
        config.put("layers_to_transform", "all");
        assertRefused(folder(), "adapter_config.json: layers_to_transform must be");
        config.putNull("layers_to_transform").put("lora_alpha", "eight");
        assertRefused(folder(), "adapter_config.json: lora_alpha must be a number");
    }
}
