package dev.scion.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.model.Projection;
import dev.scion.engine.weights.TensorInfo;
import dev.scion.engine.weights.WeightSource;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Copies a checkpoint's tensors onto the device in the runtime's layout, checking every name and
 * shape against the config. Architectures differ only in which optional tensors they require
 * (biases, q/k norms, lm_head), decided by {@link ModelConfig}.
 *
 * <p>The same layout is built from arrays already on the device ({@link #ofArrays}), e.g. a trainer's weights
 * that require gradients: then every transposed or fused part is left open, because the autograd graph reads
 * the intermediates until the backward pass (they belong to the arrays' manager, which the caller closes).
 */
final class WeightLoader {
    /** Where a tensor in Hugging Face's layout comes from, checked against the shape the config needs. */
    @FunctionalInterface
    interface Tensors {
        NDArray tensor(String name, long[] expected);
    }

    private final ModelConfig config;
    private final Tensors tensors;
    private final boolean freeParts;

    WeightLoader(ModelConfig config, WeightSource source, NDManager manager, DataType computeType) {
        this(config, (name, expected) -> read(source, manager, computeType, name, expected), true);
    }

    private WeightLoader(ModelConfig config, Tensors tensors, boolean freeParts) {
        this.config = config;
        this.tensors = tensors;
        this.freeParts = freeParts;
    }

    /**
     * A loader over arrays in Hugging Face's names and layout (float32 or the compute type) that keeps every
     * intermediate, so gradients flow from the runtime layout back into the given arrays.
     */
    static WeightLoader ofArrays(ModelConfig config, java.util.Map<String, NDArray> arrays) {
        return new WeightLoader(config, (name, expected) -> {
            NDArray a = arrays.get(name);
            if (a == null) {
                throw new ModelFormatException("no array named " + name + " among the given weights");
            }
            if (!Arrays.equals(a.getShape().getShape(), expected)) {
                throw new ModelFormatException("array " + name + " has shape " + a.getShape()
                        + " but the config needs " + Arrays.toString(expected));
            }
            return a;
        }, false);
    }

    NDArray tensor(String name, long... expected) {
        return tensors.tensor(name, expected);
    }

    /** A tensor as stored, (shape as in the file), checked against the expected shape. */
    private static NDArray read(WeightSource source, NDManager manager, DataType computeType, String name,
            long[] expected) {
        TensorInfo info = source.info(name);
        if (!Arrays.equals(info.shape(), expected)) {
            throw new ModelFormatException(info.file() + ": tensor " + name + " has shape "
                    + Arrays.toString(info.shape()) + " but the config needs " + Arrays.toString(expected));
        }
        ByteBuffer data = source.float32(name);
        NDArray array = manager.create(data, new Shape(expected), DataType.FLOAT32);
        return computeType == DataType.FLOAT32 ? array : convert(array, computeType);
    }

    private static NDArray convert(NDArray array, DataType computeType) {
        NDArray converted = array.toType(computeType, false);
        array.close();
        return converted;
    }

    /** A projection's weight transposed to [in, out] (HF stores [out, in]). */
    private NDArray projectionInOut(int layer, Projection p) {
        NDArray w = tensor(p.path(layer) + ".weight", p.outDim(config), p.inDim(config));
        return transposed(w);
    }

    /**
     * [out, in] to [in, out]: when loading, a contiguous copy (and the stored layout freed); over given arrays, the
     * transposed view itself, because DJL's {@code duplicate()} is a copy outside the autograd graph (measured: no
     * gradient reached any projection through it).
     */
    private NDArray transposed(NDArray w) {
        if (!freeParts) {
            return w.transpose();
        }
        NDArray t = w.transpose().duplicate();
        w.close();
        return t;
    }

    /** Concatenates parts along an axis into one contiguous tensor and frees the parts when loading. */
    private NDArray fuse(int axis, NDArray... parts) {
        NDArray fused = NDArrays.concat(new NDList(parts), axis);
        if (freeParts) {
            for (NDArray part : parts) {
                part.close();
            }
        }
        return fused;
    }

    LayerWeights layer(int l) {
        String prefix = "model.layers." + l + ".";
        int hidden = config.hiddenSize();
        NDArray qkv = fuse(1, projectionInOut(l, Projection.Q), projectionInOut(l, Projection.K),
                projectionInOut(l, Projection.V));
        NDArray bias = null;
        if (config.qkvBias()) {
            bias = fuse(0,
                    tensor(Projection.Q.path(l) + ".bias", config.qDim()),
                    tensor(Projection.K.path(l) + ".bias", config.kvDim()),
                    tensor(Projection.V.path(l) + ".bias", config.kvDim()));
        }
        NDArray qNorm = null;
        NDArray kNorm = null;
        if (config.architecture().qkNorm()) {
            qNorm = tensor(prefix + "self_attn.q_norm.weight", config.headDim());
            kNorm = tensor(prefix + "self_attn.k_norm.weight", config.headDim());
        }
        return new LayerWeights(
                tensor(prefix + "input_layernorm.weight", hidden),
                qkv,
                bias,
                qNorm,
                kNorm,
                projectionInOut(l, Projection.O),
                tensor(prefix + "post_attention_layernorm.weight", hidden),
                fuse(1, projectionInOut(l, Projection.GATE), projectionInOut(l, Projection.UP)),
                projectionInOut(l, Projection.DOWN));
    }

    /** The token embedding, (vocab, hidden). */
    NDArray embedding() {
        return tensor("model.embed_tokens.weight", config.vocabSize(), config.hiddenSize());
    }

    /** The output projection laid out (hidden, vocab); null when tied to the embedding. */
    NDArray lmHead() {
        if (config.tieWordEmbeddings()) {
            return null;
        }
        return transposed(tensor("lm_head.weight", config.vocabSize(), config.hiddenSize()));
    }

    NDArray finalNorm() {
        return tensor("model.norm.weight", config.hiddenSize());
    }
}
