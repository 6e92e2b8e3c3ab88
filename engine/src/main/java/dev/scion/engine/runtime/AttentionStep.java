package dev.scion.engine.runtime;

import ai.djl.ndarray.NDArray;

/** What a layer's queries attend to: the KV cache when serving, the sequence itself when training. */
@FunctionalInterface
interface AttentionStep {
    /**
     * @param q (rows, heads, headDim) rotated queries
     * @param k (rows, kvHeads, headDim) rotated keys
     * @param v (rows, kvHeads, headDim) values
     * @return (rows, heads * headDim)
     */
    NDArray attend(int layer, NDArray q, NDArray k, NDArray v);
}
