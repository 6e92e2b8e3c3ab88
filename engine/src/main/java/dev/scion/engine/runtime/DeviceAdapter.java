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
 * A LoRA adapter on the device, in the runtime's fused layout: for each layer and fused projection,
 * A stacks the parts' A matrices side by side and B places each part's B (pre-multiplied by its
 * scaling) in the columns of that part's output, so one pair of products serves q, k and v alike.
 * It never copies base weights.
 */
public final class DeviceAdapter implements AutoCloseable {
    private final String name;
    private final NDManager manager;
    private final NDArray[][] a; // [layer][fused]: (in, rank), or null when not adapted
    private final NDArray[][] b; // [layer][fused]: (rank, fusedOut), scaling folded in
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
        FusedProjection[] groups = FusedProjection.values();
        NDManager manager = model.manager().newSubManager();
        NDArray[][] a = new NDArray[c.numLayers()][groups.length];
        NDArray[][] b = new NDArray[c.numLayers()][groups.length];
        long bytes = 0;
        try {
            for (LoraTarget t : adapter.factors().keySet()) {
                if (t.layer() < 0 || t.layer() >= c.numLayers()) {
                    throw new IllegalArgumentException("adapter " + adapter.name() + " targets layer " + t.layer()
                            + " but the model has " + c.numLayers());
                }
            }
            for (int l = 0; l < c.numLayers(); l++) {
                for (FusedProjection g : groups) {
                    int rank = 0;
                    for (Projection p : g.parts()) {
                        LoraFactor f = adapter.factors().get(new LoraTarget(l, p));
                        rank += f == null ? 0 : f.rank();
                    }
                    if (rank == 0) {
                        continue;
                    }
                    int in = g.inDim(c);
                    int out = g.outDim(c);
                    float[] stackedA = new float[in * rank]; // (in, rank)
                    float[] blockB = new float[rank * out]; // (rank, out)
                    int col = 0;
                    for (Projection p : g.parts()) {
                        LoraFactor f = adapter.factors().get(new LoraTarget(l, p));
                        if (f == null) {
                            continue;
                        }
                        checkShape(adapter, l, p, f, c);
                        int r = f.rank();
                        for (int j = 0; j < r; j++) {
                            for (int i = 0; i < in; i++) {
                                stackedA[i * rank + col + j] = f.a()[j * in + i];
                            }
                        }
                        int outOffset = g.outOffset(c, p);
                        int pOut = p.outDim(c);
                        float scale = (float) f.scaling();
                        for (int j = 0; j < r; j++) {
                            for (int k = 0; k < pOut; k++) {
                                blockB[(col + j) * out + outOffset + k] = scale * f.b()[k * r + j];
                            }
                        }
                        col += r;
                    }
                    a[l][g.ordinal()] = upload(manager, stackedA, in, rank, model.computeType());
                    b[l][g.ordinal()] = upload(manager, blockB, rank, out, model.computeType());
                    bytes += 4L * (stackedA.length + blockB.length);
                }
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
        NDArray array = manager.create(values, new Shape(rows, cols));
        return type == DataType.FLOAT32 ? array : array.toType(type, false);
    }

    public String name() {
        return name;
    }

    /** Device bytes held (float32 equivalent), for cache weighing. */
    public long bytes() {
        return bytes;
    }

    NDArray a(int layer, FusedProjection g) {
        return a[layer][g.ordinal()];
    }

    NDArray b(int layer, FusedProjection g) {
        return b[layer][g.ordinal()];
    }

    int rank(int layer, FusedProjection g) {
        NDArray x = a[layer][g.ordinal()];
        return x == null ? 0 : (int) x.getShape().get(1);
    }

    @Override
    public void close() {
        manager.close();
    }
}
