package dev.scion.trainer.checkpoint;

import dev.scion.engine.weights.TensorData;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checkpoint read back and verified: its step, tensors (name to values, in name order) and JSON state. The state
 * holds what was saved plus {@code "step"}, with every JSON integer as a {@link Long} and every other number as a
 * {@link Double} (see {@link CheckpointStore#save}). Both maps are read-only; the state may hold JSON nulls.
 *
 * @param folder where it was read from, for messages
 */
public record TrainingCheckpoint(int step, Map<String, TensorData> tensors, Map<String, Object> state, Path folder) {

    public TrainingCheckpoint {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        state = Collections.unmodifiableMap(new LinkedHashMap<>(state));
    }
}
