package dev.scion.engine.reference;

import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.weights.DType;
import dev.scion.engine.weights.TensorInfo;
import dev.scion.engine.weights.WeightSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Weights held as heap arrays, for tests that hand-build or edit a model: copy another source,
 * then {@link #put} the tensors to change.
 */
public final class ArrayWeights implements WeightSource {

    private static final Path ORIGIN = Path.of("in-memory-weights");

    private final Map<String, float[]> values = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    /** A copy of every tensor of {@code source}. */
    public static ArrayWeights copyOf(WeightSource source) {
        ArrayWeights copy = new ArrayWeights();
        for (String name : source.names()) {
            copy.put(name, source.info(name).shape(), source.floats(name));
        }
        return copy;
    }

    /** Adds or replaces a tensor; {@code data} is copied and must hold exactly the shape's element count. */
    public ArrayWeights put(String name, long[] shape, float[] data) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count != data.length) {
            throw new IllegalArgumentException("tensor " + name + ": " + data.length + " values for a shape of "
                    + count);
        }
        values.put(name, data.clone());
        shapes.put(name, shape.clone());
        return this;
    }

    public ArrayWeights remove(String name) {
        values.remove(name);
        shapes.remove(name);
        return this;
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(values.keySet());
    }

    @Override
    public TensorInfo info(String name) {
        float[] data = require(name);
        return new TensorInfo(name, DType.F32, shapes.get(name).clone(), ORIGIN, 0, (long) data.length * Float.BYTES);
    }

    @Override
    public ByteBuffer float32(String name) {
        float[] data = require(name);
        ByteBuffer b = ByteBuffer.allocateDirect(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data);
        return b;
    }

    @Override
    public float[] floats(String name) {
        return require(name).clone();
    }

    private float[] require(String name) {
        float[] data = values.get(name);
        if (data == null) {
            throw new ModelFormatException(ORIGIN + ": no tensor named " + name);
        }
        return data;
    }

    @Override
    public void close() {
        // Heap arrays only; nothing to release.
    }
}
