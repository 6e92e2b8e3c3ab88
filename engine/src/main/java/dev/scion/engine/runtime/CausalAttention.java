package dev.scion.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scion.engine.model.ModelConfig;

/**
 * Grouped-query causal self-attention over whole right-padded sequences, without a cache: the training
 * forward. The causal mask alone keeps real tokens away from the padding that follows them. Constants are
 * arrays held for the whole pass, never {@code mul(Number)}: DJL frees such a scalar right after the call,
 * while autograd keeps reading it in the backward pass.
 */
final class CausalAttention implements AttentionStep {
    private final ModelConfig config;
    private final int batch;
    private final int length;
    private final int groups;
    private final NDArray scale; // () 1/sqrt(headDim): an array of the caller's scope, alive for the backward pass
    private final NDArray mask; // (length, length): 0 on and below the diagonal, -inf above

    CausalAttention(ModelConfig config, int batch, int length, NDManager manager, DataType type) {
        this.config = config;
        this.batch = batch;
        this.length = length;
        this.groups = config.numHeads() / config.numKvHeads();
        this.scale = Tensors.inType(manager.create((float) (1.0 / Math.sqrt(config.headDim()))), type);
        float[] m = new float[length * length];
        for (int t = 0; t < length; t++) {
            for (int j = t + 1; j < length; j++) {
                m[t * length + j] = Float.NEGATIVE_INFINITY;
            }
        }
        this.mask = Tensors.inType(manager.create(m, new Shape(length, length)), type);
    }

    @Override
    public NDArray attend(int layer, NDArray q, NDArray k, NDArray v) {
        int kvHeads = config.numKvHeads();
        int headDim = config.headDim();
        NDArray qg = q.reshape(batch, length, kvHeads, groups, headDim).transpose(0, 2, 3, 1, 4)
                .reshape(batch, kvHeads, (long) groups * length, headDim); // (batch, kv, groups * length, hd)
        NDArray kt = k.reshape(batch, length, kvHeads, headDim).transpose(0, 2, 3, 1); // (batch, kv, hd, length)
        NDArray vt = v.reshape(batch, length, kvHeads, headDim).transpose(0, 2, 1, 3); // (batch, kv, length, hd)
        NDArray weights = qg.matMul(kt).reshape(batch, kvHeads, groups, length, length).mul(scale).add(mask)
                .softmax(-1).reshape(batch, kvHeads, (long) groups * length, length);
        return weights.matMul(vt).reshape(batch, kvHeads, groups, length, headDim).transpose(0, 3, 1, 2, 4)
                .reshape((long) batch * length, (long) config.numHeads() * headDim);
    }
}
