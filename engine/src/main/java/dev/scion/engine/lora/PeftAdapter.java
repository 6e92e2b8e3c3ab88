package dev.scion.engine.lora;

import dev.scion.engine.io.AtomicFiles;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.model.Projection;
import dev.scion.engine.weights.DType;
import dev.scion.engine.weights.SafetensorsFile;
import dev.scion.engine.weights.SafetensorsWriter;
import dev.scion.engine.weights.TensorData;
import dev.scion.engine.weights.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hugging Face PEFT LoRA adapter folders ({@code adapter_config.json} + {@code adapter_model.safetensors}):
 * loaded and checked against the base model so that a bad adapter fails here, with the file and
 * tensor named, rather than inside the runtime; and written so that PEFT can load what Scion trains.
 */
public final class PeftAdapter {

    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    public static final String PICKLE_WEIGHTS_FILE = "adapter_model.bin";

    /** Ranks above this are refused by default: far beyond what LoRA fine-tunes use, and costly to serve. */
    public static final int DEFAULT_MAX_RANK = 512;

    /**
     * The magnitude of a projection's input activations that an adapter must leave room for: the
     * representability bound below holds for inputs up to it (post-norm activations are of order 1,
     * MLP activations of real models stay well under it).
     */
    public static final double ACTIVATION_HEADROOM = 65536;

    private PeftAdapter() {}

    public static LoraAdapter load(Path dir, String name, ModelConfig base) throws IOException {
        return load(dir, name, base, DEFAULT_MAX_RANK);
    }

    public static LoraAdapter load(Path dir, String name, ModelConfig base, int maxRank) throws IOException {
        return load(dir, name, base, maxRank, null);
    }

    /**
     * Loads a folder whose config was resolved already: {@code resolved} gives each module's rank and scaling (what
     * the store kept when the version was published), so {@code adapter_config.json} and its patterns are not read.
     * Null reads them from the config, as for a folder of unknown origin.
     */
    public static LoraAdapter load(Path dir, String name, ModelConfig base, int maxRank, ResolvedModules resolved)
            throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir + ": adapter folder does not exist or is not a directory");
        }
        Path weights = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            if (Files.exists(dir.resolve(PICKLE_WEIGHTS_FILE))) {
                throw new ModelFormatException(dir.resolve(PICKLE_WEIGHTS_FILE) + ": pickle adapter weights are not"
                        + " loaded because unpickling runs arbitrary code from the file; save the adapter with"
                        + " safe_serialization=True (" + WEIGHTS_FILE + ")");
            }
            throw new ModelFormatException(weights + ": not found; a PEFT adapter folder needs " + WEIGHTS_FILE);
        }
        ModuleRules rules = resolved != null ? ModuleRules.resolved(resolved, dir, maxRank) : configRules(dir, maxRank);
        try (SafetensorsFile file = SafetensorsFile.open(weights)) {
            return new LoraAdapter(name, factors(file, rules, base));
        }
    }

    private static ModuleRules configRules(Path dir, int maxRank) throws IOException {
        Path configFile = dir.resolve(PeftConfigJson.FILE_NAME);
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException(configFile + ": not found; a PEFT adapter folder needs "
                    + PeftConfigJson.FILE_NAME);
        }
        PeftConfig config = PeftConfigJson.read(configFile);
        checkRanks(configFile, config, maxRank);
        return ModuleRules.of(config);
    }

    private static void checkRanks(Path configFile, PeftConfig config, int maxRank) {
        if (config.r() > maxRank) {
            throw new ModelFormatException(configFile + ": r " + config.r() + " exceeds the maximum rank " + maxRank);
        }
        config.rankPattern().forEach((key, rank) -> {
            if (rank > maxRank) {
                throw new ModelFormatException(configFile + ": rank_pattern." + key + " " + rank
                        + " exceeds the maximum rank " + maxRank);
            }
        });
    }

    private static Map<LoraTarget, LoraFactor> factors(SafetensorsFile file, ModuleRules rules, ModelConfig base) {
        Map<LoraTarget, String> aNames = new TreeMap<>(PeftAdapter::byLayerThenProjection);
        Map<LoraTarget, String> bNames = new TreeMap<>(PeftAdapter::byLayerThenProjection);
        for (String tensor : file.names()) {
            PeftTensorKey key = PeftTensorKey.parse(tensor);
            String where = file.path() + ": tensor " + tensor + ": ";
            if (key == null) {
                throw new ModelFormatException(where + "not a LoRA weight of a decoder projection; Scion serves"
                        + " lora_A/lora_B of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj and down_proj only");
            }
            if (key.layer() >= base.numLayers()) {
                throw new ModelFormatException(where + "layer " + key.layer() + " is out of range; the base model has "
                        + base.numLayers() + " layers");
            }
            if (rules.module(key.target()) == null) {
                throw new ModelFormatException(where + key.projection().path(key.layer()) + " is not selected by "
                        + rules.source());
            }
            String previous = (key.isA() ? aNames : bNames).put(key.target(), tensor);
            if (previous != null) {
                throw new ModelFormatException(where + "duplicates tensor " + previous);
            }
        }
        if (aNames.isEmpty() && bNames.isEmpty()) {
            throw new ModelFormatException(file.path() + ": the adapter contains no LoRA tensors");
        }
        for (Map.Entry<LoraTarget, String> b : bNames.entrySet()) {
            if (!aNames.containsKey(b.getKey())) {
                throw new ModelFormatException(file.path() + ": tensor " + b.getValue() + " has no matching lora_A");
            }
        }
        Map<LoraTarget, LoraFactor> factors = new LinkedHashMap<>();
        for (Map.Entry<LoraTarget, String> a : aNames.entrySet()) {
            String bName = bNames.get(a.getKey());
            if (bName == null) {
                throw new ModelFormatException(file.path() + ": tensor " + a.getValue() + " has no matching lora_B");
            }
            factors.put(a.getKey(), factor(file, a.getKey(), a.getValue(), bName, rules.module(a.getKey()), base));
        }
        rules.checkAllPresent(factors.keySet(), file.path());
        return factors;
    }

    private static LoraFactor factor(SafetensorsFile file, LoraTarget target, String aName, String bName,
            ResolvedModules.Module module, ModelConfig base) {
        Projection p = target.projection();
        String path = p.path(target.layer());
        int rank = module.rank();
        int in = p.inDim(base);
        int out = p.outDim(base);
        long[] aShape = file.info(aName).shape();
        if (aShape.length == 2 && aShape[1] == in && aShape[0] != rank) {
            throw new ModelFormatException(file.path() + ": tensor " + aName + " has rank " + aShape[0]
                    + " but r/rank_pattern of " + PeftConfigJson.FILE_NAME + " give " + path + " rank " + rank);
        }
        checkShape(file, file.info(aName), rank, in, "(rank " + rank + ", in " + in + ")");
        checkShape(file, file.info(bName), out, rank, "(out " + out + ", rank " + rank + ")");
        float[] a = finiteValues(file, aName);
        float[] b = finiteValues(file, bName);
        checkRepresentable(file, path, aName, bName, a, b, rank, in, module.scaling());
        return new LoraFactor(rank, in, out, module.scaling(), a, b);
    }

    /**
     * Refuses factors whose update cannot be computed in float32, a cheap bound instead of the product
     * itself: the runtime computes {@code (x · A) · (scaling · B)}; for an input row {@code x} of width
     * {@code in} with |x| at most {@link #ACTIVATION_HEADROOM}, |x · A| is at most
     * {@code in · H · max|A|}, and each entry of the update {@code scaling · B · A} at most
     * {@code |scaling| · r · max|B| · max|A|}, so its output at most {@code in · H} times that. Both
     * must stay within {@link Float#MAX_VALUE}, or the pass overflows to infinity and NaN logits.
     * Weights that pass can still overflow inside a model; the engine then ends that request alone.
     */
    private static void checkRepresentable(SafetensorsFile file, String path, String aName, String bName, float[] a,
            float[] b, int rank, int in, double scaling) {
        double maxA = maxAbs(a);
        double maxB = maxAbs(b);
        double reach = in * ACTIVATION_HEADROOM; // how far one input row can multiply an entry
        double down = maxA * reach;
        double update = Math.abs(scaling) * rank * maxB * maxA;
        String where = file.path() + ": " + path + " (" + aName + ", " + bName + "): the LoRA update cannot be"
                + " represented in float32: ";
        String limit = " exceeds float32's largest value " + g(Float.MAX_VALUE) + " (inputs of width " + in
                + " with activations up to " + g(ACTIVATION_HEADROOM) + "); weights this large have diverged,"
                + " retrain or rescale the adapter";
        if (!(down <= Float.MAX_VALUE)) {
            throw new ModelFormatException(where + "max|lora_A| " + g(maxA) + " times " + in + " x " + g(ACTIVATION_HEADROOM)
                    + " = " + g(down) + limit);
        }
        if (!(update * reach <= Float.MAX_VALUE)) {
            throw new ModelFormatException(where + "|scaling| x r x max|lora_B| x max|lora_A| = " + g(Math.abs(scaling))
                    + " x " + rank + " x " + g(maxB) + " x " + g(maxA) + " = " + g(update) + " per weight, times " + in
                    + " x " + g(ACTIVATION_HEADROOM) + " = " + g(update * reach) + limit);
        }
    }

    private static double maxAbs(float[] values) {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static String g(double v) {
        return String.format(java.util.Locale.ROOT, "%.3g", v);
    }

    private static void checkShape(SafetensorsFile file, TensorInfo info, long rows, long cols, String expected) {
        long[] shape = info.shape();
        if (shape.length != 2 || shape[0] != rows || shape[1] != cols) {
            throw new ModelFormatException(file.path() + ": tensor " + info.name() + " has shape "
                    + Arrays.toString(shape) + " but the base model and " + PeftConfigJson.FILE_NAME
                    + " (r/rank_pattern) need [" + rows + ", " + cols + "] " + expected);
        }
    }

    private static float[] finiteValues(SafetensorsFile file, String name) {
        float[] v = file.floats(name);
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new ModelFormatException(file.path() + ": tensor " + name + " holds " + v[i] + " at element " + i
                        + "; an adapter must be finite");
            }
        }
        return v;
    }

    private static int byLayerThenProjection(LoraTarget x, LoraTarget y) {
        int c = Integer.compare(x.layer(), y.layer());
        return c != 0 ? c : x.projection().compareTo(y.projection());
    }

    /**
     * Writes a PEFT adapter folder (F32 weights). {@code config} must describe {@code adapter}: every
     * factor's projection selected, its rank and scaling those the config gives it, so that PEFT and
     * Scion read back the same update.
     */
    /** Reads an adapter folder's {@code adapter_config.json} (validated as {@link #load} does). */
    public static PeftConfig readConfig(Path dir) throws IOException {
        return PeftConfigJson.read(dir.resolve(PeftConfigJson.FILE_NAME));
    }

    public static void write(LoraAdapter adapter, Path dir, PeftConfig config) throws IOException {
        if (adapter.factors().isEmpty()) {
            throw new IllegalArgumentException("adapter " + adapter.name() + " has no factors to write");
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Map.Entry<LoraTarget, LoraFactor> e : adapter.factors().entrySet()) {
            LoraTarget t = e.getKey();
            LoraFactor f = e.getValue();
            String path = t.projection().path(t.layer());
            if (!config.targets(t.layer(), t.projection())) {
                throw new IllegalArgumentException(path + " is adapted but not selected by the config's target_modules");
            }
            if (f.rank() != config.rankFor(path)) {
                throw new IllegalArgumentException(path + " has rank " + f.rank() + " but the config gives it "
                        + config.rankFor(path));
            }
            double expected = config.scaling(path);
            if (Math.abs(f.scaling() - expected) > 1e-9 * Math.max(1, Math.abs(expected))) {
                throw new IllegalArgumentException(path + " has scaling " + f.scaling() + " but the config gives "
                        + expected + " (alpha/r" + (config.useRslora() ? " with rsLoRA" : "") + ")");
            }
            tensors.put(PeftTensorKey.name(t, true), new TensorData(DType.F32, new long[] {f.rank(), f.in()}, f.a()));
            tensors.put(PeftTensorKey.name(t, false), new TensorData(DType.F32, new long[] {f.out(), f.rank()}, f.b()));
        }
        Files.createDirectories(dir);
        SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt"));
        AtomicFiles.write(dir.resolve(PeftConfigJson.FILE_NAME),
                PeftConfigJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(PeftConfigJson.toJson(config)));
    }
}
