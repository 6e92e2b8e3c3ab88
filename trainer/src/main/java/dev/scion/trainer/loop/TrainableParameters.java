package dev.scion.trainer.loop;

import ai.djl.ndarray.NDManager;
import dev.scion.engine.runtime.LoraDelta;
import dev.scion.engine.runtime.Transformer;
import java.util.List;

/**
 * What a {@link TrainingLoop} trains: parameter arrays kept in Java (the master copy AdamW updates, so checkpoints
 * and resumes are exact) and a way to upload them for one forward and backward pass. LoRA factors
 * ({@code LoraParameters}) and a model's own weights ({@code FullParameters}) are the two kinds.
 */
public interface TrainableParameters {

    /** Every parameter array, in the fixed order gradients and optimizer moments follow. */
    List<float[]> arrays();

    /** Same-shaped zero arrays, for gradients and optimizer moments. */
    default List<float[]> zerosLike() {
        List<float[]> zeros = new java.util.ArrayList<>();
        for (float[] p : arrays()) {
            zeros.add(new float[p.length]);
        }
        return zeros;
    }

    /**
     * The parameters on the device for one pass, owned by {@code manager}.
     *
     * @param dropout dropout probability where the parameters apply it (LoRA inputs), 0 for evaluation
     */
    Attached attach(Transformer base, NDManager manager, double dropout, boolean withGradients);

    /** The parameters uploaded for one pass: the forward to run, and the gradients to read after the backward. */
    interface Attached {
        /** The model the forward runs: the base, or a view of it on the uploaded weights. */
        Transformer model();

        /** What the forward adds to each projection ({@link LoraDelta#NONE} for none). */
        LoraDelta delta();

        /** Adds each array's gradient into {@code into} (same order as {@link #arrays()}). */
        void addGradients(List<float[]> into);
    }
}
