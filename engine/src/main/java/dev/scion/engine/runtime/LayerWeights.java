package dev.scion.engine.runtime;

import ai.djl.ndarray.NDArray;

/**
 * One decoder layer's weights on the device, laid out [in, out] so that activations multiply
 * them directly (measured faster than {@code linear} over HF's [out, in]), with q/k/v and
 * gate/up fused so each is one matrix product.
 */
record LayerWeights(
        NDArray inputNorm, // (hidden)
        NDArray qkv, // (hidden, qDim + 2 * kvDim)
        NDArray qkvBias, // (qDim + 2 * kvDim), or null
        NDArray qNorm, // (headDim), or null
        NDArray kNorm, // (headDim), or null
        NDArray o, // (qDim, hidden)
        NDArray postNorm, // (hidden)
        NDArray gateUp, // (hidden, 2 * intermediate)
        NDArray down) {} // (intermediate, hidden)
