package dev.scion.engine.weights;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * Named tensors of a checkpoint or adapter, as Hugging Face names them. Implementations map the
 * files rather than reading them into the heap, so a tensor's bytes are read once, when the
 * runtime copies them into its own tensor.
 */
public interface WeightSource extends AutoCloseable {

    Set<String> names();

    /** Describes a tensor; throws {@link dev.scion.engine.model.ModelFormatException} naming file and tensor if absent. */
    TensorInfo info(String name);

    /**
     * The tensor's values as float32, little-endian, in a direct buffer positioned at 0. F32 data is
     * a slice of the mapped file (no copy); F16 and BF16 are converted into a fresh direct buffer.
     */
    ByteBuffer float32(String name);

    /** Convenience for tests and small tensors: the values on the heap. */
    default float[] floats(String name) {
        ByteBuffer b = float32(name);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    @Override
    void close();
}
