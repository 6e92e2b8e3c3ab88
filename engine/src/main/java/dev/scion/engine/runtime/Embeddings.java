package dev.scion.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Embeddings of whole inputs: one teacher-forced pass (no KV cache) over a padded batch, the final-normed hidden
 * states pooled per input and L2-normalised. Padding sits after each input, where causal attention keeps it from
 * reaching a real token, and pooling leaves it out. Runs on the thread that owns the model.
 */
public final class Embeddings {
    private Embeddings() {}

    /**
     * @param inputs token ids of each input, none empty and none longer than the model's positions
     * @param adapter the adapter the embeddings are computed with, or null for the base model
     * @return one vector of {@code hidden} floats per input, of unit length
     */
    public static float[][] pooled(Transformer model, List<int[]> inputs, DeviceAdapter adapter,
            EmbeddingPooling pooling) {
        int batch = inputs.size();
        int length = 0;
        for (int[] ids : inputs) {
            if (ids.length == 0) {
                throw new IllegalArgumentException("an input to embed has no tokens");
            }
            length = Math.max(length, ids.length);
        }
        int hidden = model.config().hiddenSize();
        int[] padded = new int[batch * length]; // (batch, length); padding with id 0 at the ends
        float[] weights = new float[batch * length]; // (batch, length): each input's pooling weight per position
        for (int b = 0; b < batch; b++) {
            int[] ids = inputs.get(b);
            System.arraycopy(ids, 0, padded, b * length, ids.length);
            if (pooling == EmbeddingPooling.MEAN) {
                for (int t = 0; t < ids.length; t++) {
                    weights[b * length + t] = 1f / ids.length;
                }
            } else {
                weights[b * length + ids.length - 1] = 1f;
            }
        }
        LoraBatch lora = adapter == null ? LoraBatch.none() : LoraBatch.of(List.of(adapter), model);
        try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
            NDArray ids = manager.create(padded, new Shape(batch, length));
            LoraDelta delta = lora.isEmpty() ? LoraDelta.NONE : lora.step(new int[batch * length], manager);
            NDArray states = model.sequenceHidden(ids, delta, false); // (batch * length, hidden)
            if (states.getDataType() != DataType.FLOAT32) {
                states = states.toType(DataType.FLOAT32, false);
            }
            NDArray w = manager.create(weights, new Shape(batch, length, 1));
            NDArray pooled = states.reshape(batch, length, hidden).mul(w).sum(new int[] {1}); // (batch, hidden)
            NDArray norms = pooled.norm(new int[] {1}, true).maximum(1e-12f); // (batch, 1)
            NDArray unit = pooled.div(norms);
            float[] flat = new float[batch * hidden];
            unit.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(flat);
            float[][] out = new float[batch][hidden];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(flat, b * hidden, out[b], 0, hidden);
            }
            scope.suppressNotUsedWarning();
            return out;
        } finally {
            if (adapter != null) {
                lora.close();
            }
        }
    }
}
