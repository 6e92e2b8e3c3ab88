package dev.scion.engine.lora;

import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.model.Projection;
import dev.scion.engine.weights.Checkpoint;
import dev.scion.engine.weights.SafetensorsWriter;
import dev.scion.engine.weights.TensorData;
import dev.scion.engine.weights.TensorInfo;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Folds a LoRA adapter into its base weights, W' = W + scaling · B·A, for exporting a standalone
 * model that any Hugging Face tool can load without PEFT.
 */
public final class LoraMerge {

    /** Weight files of the base that are not copied: the merged model.safetensors replaces them. */
    private static final Set<String> WEIGHT_EXTENSIONS = Set.of(
            "safetensors", "bin", "pt", "pth", "ckpt", "h5", "msgpack", "gguf", "onnx");

    private LoraMerge() {}

    /**
     * @param w (out, in) row-major, as checkpoints store a projection's weight
     * @return a new (out, in) array: w + scaling · B·A, accumulated in double
     */
    public static float[] mergedWeight(float[] w, LoraFactor f) {
        if (w.length != (long) f.out() * f.in()) {
            throw new IllegalArgumentException("weight has " + w.length + " values but the factor is (out " + f.out()
                    + ", in " + f.in() + ")");
        }
        float[] merged = new float[w.length];
        double[] row = new double[f.in()];
        for (int o = 0; o < f.out(); o++) {
            Arrays.fill(row, 0);
            for (int k = 0; k < f.rank(); k++) {
                double bk = f.b()[o * f.rank() + k];
                int aRow = k * f.in();
                for (int i = 0; i < f.in(); i++) {
                    row[i] += bk * f.a()[aRow + i];
                }
            }
            int wRow = o * f.in();
            for (int i = 0; i < f.in(); i++) {
                merged[wRow + i] = (float) (w[wRow + i] + f.scaling() * row[i]);
            }
        }
        return merged;
    }

    /**
     * Writes {@code outDir} as a complete checkpoint folder: the base's config, tokenizer and
     * generation files copied, and one model.safetensors holding every base tensor in its original
     * dtype, the adapted projections merged. config.json is written last, so an interrupted export is
     * not mistaken for a checkpoint. Holds the whole model in memory as float32 while writing.
     */
    public static void writeMergedCheckpoint(Path baseDir, LoraAdapter adapter, ModelConfig cfg, Path outDir)
            throws IOException {
        refuseNonEmpty(outDir);
        if (!Files.isRegularFile(baseDir.resolve("config.json"))) {
            throw new ModelFormatException(baseDir.resolve("config.json") + ": not found; the merged checkpoint"
                    + " needs the base model's config.json");
        }
        Map<String, LoraFactor> factorByWeight = new LinkedHashMap<>();
        for (Map.Entry<LoraTarget, LoraFactor> e : adapter.factors().entrySet()) {
            LoraTarget t = e.getKey();
            Projection p = t.projection();
            LoraFactor f = e.getValue();
            if (t.layer() >= cfg.numLayers() || f.in() != p.inDim(cfg) || f.out() != p.outDim(cfg)) {
                throw new IllegalArgumentException("adapter " + adapter.name() + ": " + p.path(t.layer())
                        + " (out " + f.out() + ", in " + f.in() + ") does not fit the base model configuration");
            }
            factorByWeight.put(p.path(t.layer()) + ".weight", f);
        }
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        try (Checkpoint base = Checkpoint.open(baseDir)) {
            for (String weight : factorByWeight.keySet()) {
                base.info(weight); // absent adapted weights are refused before any work, naming the tensor
            }
            for (String name : base.names()) {
                TensorInfo info = base.info(name);
                float[] values = base.floats(name);
                LoraFactor f = factorByWeight.get(name);
                if (f != null) {
                    long[] shape = info.shape();
                    if (shape.length != 2 || shape[0] != f.out() || shape[1] != f.in()) {
                        throw new ModelFormatException(info.file() + ": tensor " + name + " has shape "
                                + Arrays.toString(shape) + " but adapter " + adapter.name() + " needs [" + f.out()
                                + ", " + f.in() + "]");
                    }
                    values = mergedWeight(values, f);
                }
                tensors.put(name, new TensorData(info.dtype(), info.shape(), values));
            }
        }
        Files.createDirectories(outDir);
        copyNonWeightFiles(baseDir, outDir);
        SafetensorsWriter.write(outDir.resolve(Checkpoint.SINGLE_FILE), tensors,
                Map.of("format", "pt", "merged_adapter", adapter.name()));
        Files.copy(baseDir.resolve("config.json"), outDir.resolve("config.json"), StandardCopyOption.COPY_ATTRIBUTES);
    }

    private static void refuseNonEmpty(Path outDir) throws IOException {
        if (!Files.exists(outDir)) {
            return;
        }
        if (!Files.isDirectory(outDir)) {
            throw new FileAlreadyExistsException(outDir.toString(), null, "exists and is not a folder");
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(outDir)) {
            if (entries.iterator().hasNext()) {
                throw new FileAlreadyExistsException(outDir.toString(), null,
                        "is not empty; refusing to write a merged checkpoint over existing files");
            }
        }
    }

    private static void copyNonWeightFiles(Path baseDir, Path outDir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(baseDir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && !isWeightFile(name) && !name.equals("config.json")) {
                    Files.copy(p, outDir.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static boolean isWeightFile(String name) {
        if (name.endsWith(".index.json")) {
            return true; // shard indexes describe the base's weight files, not the merged one
        }
        int dot = name.lastIndexOf('.');
        return dot >= 0 && WEIGHT_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
