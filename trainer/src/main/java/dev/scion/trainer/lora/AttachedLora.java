package dev.scion.trainer.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.runtime.FusedProjection;
import dev.scion.engine.runtime.LoraDelta;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * {@link LoraParameters} uploaded for one forward (and backward) pass: each factor becomes a device array
 * that optionally requires gradients, and the runtime asks this object for each projection's LoRA term,
 * {@code dropout(x) · Aᵀ · Bᵀ · scaling}. Arrays belong to the given manager; close it after reading gradients.
 */
public final class AttachedLora implements LoraDelta {
    private final ModelConfig config;
    private final NDManager manager;
    private final double dropout;
    private final DataType computeType;
    private final NDArray[][] a; // [layer][projection]: (rank, in), or null
    private final NDArray[][] b; // [layer][projection]: (out, rank) times the factor's scaling, or null
    private final NDArray[] leaves; // A and B per factor, in LoraParameters.arrays() order

    /**
     * @param dropout LoRA dropout probability, applied to each projection's input (0 for evaluation)
     * @param withGradients whether the factors require gradients
     */
    public AttachedLora(LoraParameters params, ModelConfig config, NDManager manager, DataType computeType,
            double dropout, boolean withGradients) {
        this.config = config;
        this.manager = manager;
        this.dropout = dropout;
        this.computeType = computeType;
        int projections = Projection.values().length;
        this.a = new NDArray[config.numLayers()][projections];
        this.b = new NDArray[config.numLayers()][projections];
        List<LoraParameters.Factor> factors = params.factors();
        this.leaves = new NDArray[factors.size() * 2];
        for (int i = 0; i < factors.size(); i++) {
            LoraParameters.Factor f = factors.get(i);
            NDArray fa = manager.create(f.a(), new Shape(f.rank(), f.in()));
            NDArray fb = manager.create(f.b(), new Shape(f.out(), f.rank()));
            if (withGradients) {
                fa.setRequiresGradient(true);
                fb.setRequiresGradient(true);
            }
            leaves[2 * i] = fa;
            leaves[2 * i + 1] = fb;
            int layer = f.target().layer();
            int p = f.target().projection().ordinal();
            a[layer][p] = computeType == DataType.FLOAT32 ? fa : fa.toType(computeType, false);
            // The scaling as an array of this manager: a mul(Number) operand is freed before backward reads it.
            NDArray scaled = fb.mul(manager.create((float) f.scaling()));
            b[layer][p] = computeType == DataType.FLOAT32 ? scaled : scaled.toType(computeType, false);
        }
    }

    @Override
    public NDArray delta(int layer, FusedProjection fused, NDArray x) {
        List<Projection> parts = fused.parts();
        boolean any = false;
        for (Projection p : parts) {
            any |= a[layer][p.ordinal()] != null;
        }
        if (!any) {
            return null;
        }
        NDArray input = dropout > 0 ? dropout(x) : x;
        long rows = x.getShape().get(0);
        NDList outs = new NDList();
        for (Projection p : parts) {
            NDArray pa = a[layer][p.ordinal()];
            if (pa == null) {
                outs.add(manager.zeros(new Shape(rows, p.outDim(config)), computeType));
            } else {
                outs.add(input.matMul(pa.transpose()).matMul(b[layer][p.ordinal()].transpose()));
            }
        }
        return outs.size() == 1 ? outs.get(0) : NDArrays.concat(outs, 1);
    }

    /** Inverted dropout; the mask comes from the engine's generator, which the loop seeds per micro-batch. */
    private NDArray dropout(NDArray x) {
        // The mask needs no gradient, so scalar operands are safe here; x meets only arrays that stay alive.
        NDArray keep = manager.randomUniform(0f, 1f, x.getShape(), DataType.FLOAT32).gte((float) dropout)
                .toType(DataType.FLOAT32, false).mul((float) (1 / (1 - dropout))).toType(x.getDataType(), false);
        return x.mul(keep);
    }

    /** Adds each factor's gradient into {@code into} (same order as {@link LoraParameters#arrays()}). */
    public void addGradients(List<float[]> into) {
        float[] scratch = null;
        for (int i = 0; i < leaves.length; i++) {
            float[] target = into.get(i);
            NDArray grad = leaves[i].getGradient();
            FloatBuffer values = grad.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
            if (scratch == null || scratch.length < target.length) {
                scratch = new float[target.length];
            }
            values.get(scratch, 0, target.length);
            for (int j = 0; j < target.length; j++) {
                target[j] += scratch[j];
            }
        }
    }
}
