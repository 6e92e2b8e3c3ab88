package dev.scion.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scion.engine.model.ModelConfig;

/**
 * Keys and values of every running sequence, in a fixed number of slots. A slot is leased by one
 * sequence at a time (see {@link SlotPool}); positions beyond a sequence's length are garbage and
 * masked out by attention, so freeing a slot needs no clearing.
 *
 * <p>Each layer's cache is flat over (slot, position) so that one step writes all its rows with a
 * single indexed assignment, whatever mix of slots and positions the rows have.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final int slots;
    private final int maxLen;
    private final int kvHeads;
    private final int headDim;
    private final NDArray[] keys; // per layer: (slots * maxLen, kvHeads, headDim)
    private final NDArray[] values; // per layer: (slots * maxLen, kvHeads, headDim)

    public KvCache(Transformer model, int slots, int maxLen) {
        ModelConfig c = model.config();
        if (slots <= 0 || maxLen <= 0) {
            throw new IllegalArgumentException("KV cache needs at least one slot and one position");
        }
        this.manager = model.manager().newSubManager();
        this.slots = slots;
        this.maxLen = maxLen;
        this.kvHeads = c.numKvHeads();
        this.headDim = c.headDim();
        this.keys = new NDArray[c.numLayers()];
        this.values = new NDArray[c.numLayers()];
        Shape shape = new Shape((long) slots * maxLen, kvHeads, headDim);
        DataType type = model.computeType();
        for (int l = 0; l < keys.length; l++) {
            keys[l] = manager.zeros(shape, type);
            values[l] = manager.zeros(shape, type);
        }
    }

    public int slots() {
        return slots;
    }

    public int maxLen() {
        return maxLen;
    }

    /** Bytes held on the device by this cache. */
    public long bytes() {
        return 2L * keys.length * slots * maxLen * kvHeads * headDim * elementBytes();
    }

    private int elementBytes() {
        return keys[0].getDataType().getNumOfBytes();
    }

    /** Flat row index of a (slot, position) pair. */
    long flatIndex(int slot, int position) {
        return (long) slot * maxLen + position;
    }

    /** Writes this step's keys and values: k, v (rows, kvHeads, headDim) at flat indices (rows). */
    void write(int layer, NDArray flatIndices, NDArray k, NDArray v) {
        keys[layer].set(new NDIndex("{}", flatIndices), k);
        values[layer].set(new NDIndex("{}", flatIndices), v);
    }

    /** Gathers keys at flat indices: result (n, kvHeads, headDim). */
    NDArray gatherKeys(int layer, NDArray flatIndices) {
        return keys[layer].get(new NDIndex("{}", flatIndices));
    }

    NDArray gatherValues(int layer, NDArray flatIndices) {
        return values[layer].get(new NDIndex("{}", flatIndices));
    }

    /** The first {@code length} positions of one slot, as views: (length, kvHeads, headDim). */
    NDArray slotKeys(int layer, int slot, int length) {
        long start = flatIndex(slot, 0);
        return keys[layer].get(new NDIndex("{}:{}", start, start + length));
    }

    NDArray slotValues(int layer, int slot, int length) {
        long start = flatIndex(slot, 0);
        return values[layer].get(new NDIndex("{}:{}", start, start + length));
    }

    @Override
    public void close() {
        manager.close();
    }
}
