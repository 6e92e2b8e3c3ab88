package dev.scion.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraFactor;
import dev.scion.engine.lora.LoraTarget;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;

/**
 * A LoRA adapter on the device: for each layer and projection, A as (in, rank) and B as
 * (rank, out) with the adapter's scaling already multiplied in, ready for {@link LoraBatch} to
 * stack side by side with other adapters. It never copies base weights.
 */
public final class DeviceAdapter implements AutoCloseable {
    private final String name;
    private final NDManager manager;
    private final NDArray[][] a; // [layer][projection]: (in, rank), or null when not adapted
    private final NDArray[][] b; // [layer][projection]: (rank, out), scaling folded in
    private final long bytes;

    private DeviceAdapter(String name, NDManager manager, NDArray[][] a, NDArray[][] b, long bytes) {
        this.name = name;
        this.manager = manager;
        this.a = a;
        this.b = b;
        this.bytes = bytes;
    }

    public static DeviceAdapter upload(LoraAdapter adapter, Transformer model) {
        ModelConfig c = model.config();
        Projection[] projections = Projection.values();
        NDManager manager = model.manager().newSubManager();
        NDArray[][] a = new NDArray[c.numLayers()][projections.length];
        NDArray[][] b = new NDArray[c.numLayers()][projections.length];
        long bytes = 0;
        try {
            for (var entry : adapter.factors().entrySet()) {
                LoraTarget t = entry.getKey();
                LoraFactor f = entry.getValue();
                if (t.layer() < 0 || t.layer() >= c.numLayers()) {
                    throw new IllegalArgumentException("adapter " + adapter.name() + " targets layer " + t.layer()
                            + " but the model has " + c.numLayers());
                }
                Projection p = t.projection();
                checkShape(adapter, t.layer(), p, f, c);
                int r = f.rank();
                float[] transposedA = new float[f.in() * r]; // (in, rank) from PEFT's (rank, in)
                for (int j = 0; j < r; j++) {
                    for (int i = 0; i < f.in(); i++) {
                        transposedA[i * r + j] = f.a()[j * f.in() + i];
                    }
                }
                float[] scaledB = new float[r * f.out()]; // (rank, out) from PEFT's (out, rank), times scaling
                float scale = (float) f.scaling();
                for (int j = 0; j < r; j++) {
                    for (int k = 0; k < f.out(); k++) {
                        scaledB[j * f.out() + k] = scale * f.b()[k * r + j];
                    }
                }
                a[t.layer()][p.ordinal()] = upload(manager, transposedA, f.in(), r, model.computeType());
                b[t.layer()][p.ordinal()] = upload(manager, scaledB, r, f.out(), model.computeType());
                bytes += 4L * (transposedA.length + scaledB.length);
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return new DeviceAdapter(adapter.name(), manager, a, b, bytes);
    }

    private static void checkShape(LoraAdapter adapter, int layer, Projection p, LoraFactor f, ModelConfig c) {
        if (f.in() != p.inDim(c) || f.out() != p.outDim(c)) {
            throw new IllegalArgumentException("adapter " + adapter.name() + ": layer " + layer + " " + p.module()
                    + " is (" + f.out() + " x " + f.in() + ") but the model's is (" + p.outDim(c) + " x " + p.inDim(c) + ")");
        }
    }

    private static NDArray upload(NDManager manager, float[] values, int rows, int cols, DataType type) {
        return Tensors.inType(manager.create(values, new Shape(rows, cols)), type);
    }

    public String name() {
        return name;
    }

    /** Device bytes held (float32 equivalent), for cache weighing. */
    public long bytes() {
        return bytes;
    }

    NDArray a(int layer, Projection p) {
        return a[layer][p.ordinal()];
    }

    NDArray b(int layer, Projection p) {
        return b[layer][p.ordinal()];
    }

    int rank(int layer, Projection p) {
        NDArray x = a[layer][p.ordinal()];
        return x == null ? 0 : (int) x.getShape().get(1);
    }

    @Override
    public void close() {
        manager.close();
    }
}
