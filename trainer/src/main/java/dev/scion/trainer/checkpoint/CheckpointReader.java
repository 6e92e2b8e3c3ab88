package dev.scion.trainer.checkpoint;

import dev.scion.engine.weights.SafetensorsFile;
import dev.scion.engine.weights.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one checkpoint folder and checks everything that can be checked before training trusts it: the files'
 * sizes and digests against {@code checksums.json}, that the tensors parse, that the state parses and belongs to
 * the folder's step. Any failure is a {@link CheckpointInvalidException} whose message is the exact reason.
 */
final class CheckpointReader {
    static final String TENSORS = "tensors.safetensors";
    static final String STATE = "state.json";
    static final List<String> FILES = List.of(TENSORS, STATE);

    private CheckpointReader() {}

    static TrainingCheckpoint read(Path folder, int step) throws CheckpointInvalidException {
        try {
            Checksums sums = Checksums.read(folder, FILES);
            for (String name : FILES) {
                sums.verify(folder, name);
            }
            Map<String, TensorData> tensors = tensors(folder.resolve(TENSORS));
            Map<String, Object> state = state(folder.resolve(STATE), step);
            return new TrainingCheckpoint(step, tensors, state, folder);
        } catch (IOException e) {
            // the digests matched or were never reached, so this is the disk or the folder's permissions
            throw new CheckpointInvalidException("cannot be read: " + e);
        }
    }

    private static Map<String, TensorData> tensors(Path file) throws CheckpointInvalidException, IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        SafetensorsFile safetensors;
        try {
            safetensors = SafetensorsFile.open(file);
        } catch (RuntimeException e) {
            // ModelFormatException: a header that matched its digest yet is not valid was written wrong
            throw new CheckpointInvalidException(TENSORS + " does not parse: " + e.getMessage());
        }
        try (safetensors) {
            tensors.putAll(safetensors.readAll());
        } catch (RuntimeException e) {
            throw new CheckpointInvalidException(TENSORS + " cannot be read back: " + e.getMessage());
        }
        return tensors;
    }

    private static Map<String, Object> state(Path file, int step) throws CheckpointInvalidException, IOException {
        Map<String, Object> state;
        try {
            state = StateJson.parse(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CheckpointInvalidException(STATE + " does not parse: " + StateJson.describe(e));
        }
        if (state == null) {
            throw new CheckpointInvalidException(STATE + " holds null, not a JSON object");
        }
        Object saved = state.get("step");
        if (!(saved instanceof Long)) {
            throw new CheckpointInvalidException(STATE + " has no integer \"step\"");
        }
        if ((Long) saved != step) {
            throw new CheckpointInvalidException(STATE + "'s step is " + saved + ", the folder's is " + step);
        }
        return state;
    }
}
