package dev.scion.engine.runtime;

import ai.djl.ndarray.NDArray;

/**
 * The LoRA contribution to one fused projection of one layer: what serving's {@link LoraBatch} adds for a
 * batch of adapters, and what the trainer adds with its trainable factors.
 */
@FunctionalInterface
public interface LoraDelta {
    /** No adapter: the base model. */
    LoraDelta NONE = (layer, fused, x) -> null;

    /**
     * @param x (rows, in) the projection's input
     * @return (rows, fused out) to add to the base projection's output, or null for nothing
     */
    NDArray delta(int layer, FusedProjection fused, NDArray x);
}
