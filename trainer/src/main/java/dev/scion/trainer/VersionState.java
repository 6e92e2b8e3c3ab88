package dev.scion.trainer;

import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.weights.SafetensorsFile;
import dev.scion.engine.weights.SafetensorsWriter;
import dev.scion.engine.weights.TensorData;
import dev.scion.trainer.lora.LoraParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a published version carries for the next round, in {@link AdapterStore#TRAINER_STATE_FILE}: the
 * accumulated diagonal Fisher information (for EWC) and, when kept, AdamW's moments.
 *
 * @param fisher same order as {@link LoraParameters#arrays()}, or null
 * @param firstMoments AdamW's m, or null when not kept
 * @param secondMoments AdamW's v, or null when not kept
 */
record VersionState(List<float[]> fisher, List<float[]> firstMoments, List<float[]> secondMoments, long adamStep) {

    static final String FISHER = "fisher.";
    static final String ADAM_M = "adam.m.";
    static final String ADAM_V = "adam.v.";

    void write(Path file, LoraParameters params) throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        if (fisher != null) {
            tensors.putAll(params.tensors(FISHER, fisher));
        }
        if (firstMoments != null) {
            tensors.putAll(params.tensors(ADAM_M, firstMoments));
            tensors.putAll(params.tensors(ADAM_V, secondMoments));
        }
        SafetensorsWriter.write(file, tensors, Map.of("adam_step", Long.toString(adamStep), "format", "scion-trainer/1"));
    }

    /**
     * Reads the state of a version folder for these parameters; parts that are absent or belong to another
     * adapter shape come back null (a version uploaded by hand has no state at all).
     */
    static VersionState read(Path versionDir, LoraParameters params) throws IOException {
        Path file = versionDir.resolve(AdapterStore.TRAINER_STATE_FILE);
        if (!Files.isRegularFile(file)) {
            return new VersionState(null, null, null, 0);
        }
        Map<String, TensorData> tensors;
        long adamStep;
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            tensors = st.readAll();
            adamStep = Long.parseLong(st.metadata().getOrDefault("adam_step", "0"));
        }
        List<float[]> fisher = params.zerosLike();
        List<float[]> m = params.zerosLike();
        List<float[]> v = params.zerosLike();
        boolean hasFisher = params.readTensors(FISHER, tensors, fisher);
        boolean hasMoments = params.readTensors(ADAM_M, tensors, m) && params.readTensors(ADAM_V, tensors, v);
        return new VersionState(hasFisher ? fisher : null, hasMoments ? m : null, hasMoments ? v : null,
                hasMoments ? adamStep : 0);
    }
}
