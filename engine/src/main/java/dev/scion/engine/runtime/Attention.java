package dev.scion.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scion.engine.model.ModelConfig;

/**
 * Grouped-query attention over the KV cache for one step. Decode rows (one token each, any slots,
 * any lengths) are attended together: their slots' keys are gathered up to the longest one and
 * padded positions masked. Each prefill chunk attends causally to its own slot. The masks and
 * gather indices depend only on the step, so they are built once and reused by every layer.
 */
final class Attention {
    private final ModelConfig config;
    private final KvCache cache;
    private final StepLayout step;
    private final float scale;
    private final int groups;
    private final int decodeLength; // keys gathered per decode row: the longest decode sequence
    private final NDArray decodeGather; // (decodeRows * decodeLength): flat cache rows
    private final NDArray decodeMask; // (decodeRows, 1, 1, decodeLength): 0 or -inf
    private final NDArray[] prefillMasks; // per prefill: (length, start + length), causal

    Attention(ModelConfig config, KvCache cache, StepLayout step, NDManager manager, DataType type) {
        this.config = config;
        this.cache = cache;
        this.step = step;
        this.scale = (float) (1.0 / Math.sqrt(config.headDim()));
        this.groups = config.numHeads() / config.numKvHeads();
        int rows = step.decodeRows();
        int longest = 0;
        for (int r = 0; r < rows; r++) {
            longest = Math.max(longest, (int) step.positions()[r] + 1);
        }
        this.decodeLength = longest;
        if (rows > 0) {
            long[] gather = new long[rows * longest];
            float[] mask = new float[rows * longest];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < longest; j++) {
                    gather[r * longest + j] = cache.flatIndex(step.decodeSlots()[r], j);
                    mask[r * longest + j] = j <= step.positions()[r] ? 0f : Float.NEGATIVE_INFINITY;
                }
            }
            decodeGather = manager.create(gather);
            decodeMask = Tensors.inType(manager.create(mask, new Shape(rows, 1, 1, longest)), type);
        } else {
            decodeGather = null;
            decodeMask = null;
        }
        prefillMasks = new NDArray[step.prefills().size()];
        for (int i = 0; i < prefillMasks.length; i++) {
            StepLayout.Prefill p = step.prefills().get(i);
            int keys = p.startPosition() + p.length();
            float[] mask = new float[p.length() * keys];
            for (int t = 0; t < p.length(); t++) {
                for (int j = 0; j < keys; j++) {
                    mask[t * keys + j] = j <= p.startPosition() + t ? 0f : Float.NEGATIVE_INFINITY;
                }
            }
            prefillMasks[i] = Tensors.inType(manager.create(mask, new Shape(p.length(), keys)), type);
        }
    }

    KvCache cache() {
        return cache;
    }

    /** q (rows, heads, headDim) → attended values (rows, heads * headDim), rows in step order. */
    NDArray apply(int layer, NDArray q) {
        NDList parts = new NDList();
        if (step.decodeRows() > 0) {
            parts.add(decode(layer, q.get(new NDIndex("0:{}", step.decodeRows()))));
        }
        for (int i = 0; i < prefillMasks.length; i++) {
            StepLayout.Prefill p = step.prefills().get(i);
            parts.add(prefill(layer, q.get(new NDIndex("{}:{}", p.firstRow(), p.firstRow() + p.length())), p,
                    prefillMasks[i]));
        }
        NDArray out = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
        return out.reshape(out.getShape().get(0), (long) config.numHeads() * config.headDim());
    }

    private NDArray decode(int layer, NDArray q) {
        long rows = q.getShape().get(0);
        int kvHeads = config.numKvHeads();
        int headDim = config.headDim();
        Shape gathered = new Shape(rows, decodeLength, kvHeads, headDim);
        NDArray k = cache.gatherKeys(layer, decodeGather).reshape(gathered).transpose(0, 2, 3, 1); // (rows, kv, hd, L)
        NDArray v = cache.gatherValues(layer, decodeGather).reshape(gathered).transpose(0, 2, 1, 3); // (rows, kv, L, hd)
        NDArray qg = q.reshape(rows, kvHeads, groups, headDim);
        NDArray weights = qg.matMul(k).mul(scale).add(decodeMask).softmax(-1); // (rows, kv, groups, L)
        return weights.matMul(v).reshape(rows, config.numHeads(), headDim);
    }

    private NDArray prefill(int layer, NDArray q, StepLayout.Prefill p, NDArray mask) {
        int n = p.length();
        int keys = p.startPosition() + n;
        int kvHeads = config.numKvHeads();
        int headDim = config.headDim();
        NDArray k = cache.slotKeys(layer, p.slot(), keys).transpose(1, 2, 0); // (kv, hd, L)
        NDArray v = cache.slotValues(layer, p.slot(), keys).transpose(1, 0, 2); // (kv, L, hd)
        NDArray qg = q.reshape(n, kvHeads, groups, headDim).transpose(1, 2, 0, 3)
                .reshape(kvHeads, (long) groups * n, headDim);
        NDArray weights = qg.matMul(k).reshape(kvHeads, groups, n, keys).mul(scale).add(mask).softmax(-1)
                .reshape(kvHeads, (long) groups * n, keys);
        return weights.matMul(v).reshape(kvHeads, groups, n, headDim).transpose(2, 0, 1, 3)
                .reshape(n, config.numHeads(), headDim);
    }
}
