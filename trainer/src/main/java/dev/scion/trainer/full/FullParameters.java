package dev.scion.trainer.full;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.runtime.LoraDelta;
import dev.scion.engine.runtime.Transformer;
import dev.scion.engine.weights.DType;
import dev.scion.engine.weights.RandomWeights;
import dev.scion.engine.weights.TensorData;
import dev.scion.engine.weights.WeightSource;
import dev.scion.trainer.loop.TrainableParameters;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every weight of a model as plain float arrays under Hugging Face's names and layout: full-parameter training's
 * master copy. All of them train, embeddings, norms and biases included: pretraining from random weights needs
 * every one (a frozen random norm or embedding would only be noise the rest must work around), and with tied
 * embeddings the embedding is also the output layer. Each pass uploads them as arrays that require gradients and
 * runs the base model's forward on them ({@link Transformer#withWeights}); between steps they live only here,
 * which keeps checkpoints and resumes exact, as for LoRA factors.
 */
public final class FullParameters implements TrainableParameters {
    private final ModelConfig config;
    private final List<String> names; // checkpoint order
    private final List<long[]> shapes;
    private final List<float[]> values;

    private FullParameters(ModelConfig config, List<String> names, List<long[]> shapes, List<float[]> values) {
        this.config = config;
        this.names = names;
        this.shapes = shapes;
        this.values = values;
    }

    /** Copies every tensor a checkpoint of {@code config} has out of {@code source} (any stored type). */
    public static FullParameters of(ModelConfig config, WeightSource source) {
        List<String> names = RandomWeights.tensorNames(config);
        List<long[]> shapes = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        for (String name : names) {
            long[] shape = RandomWeights.shape(config, name);
            float[] v = source.floats(name);
            if (v.length != count(shape)) {
                throw new IllegalArgumentException("tensor " + name + " has " + v.length + " values; the config needs "
                        + count(shape));
            }
            shapes.add(shape);
            values.add(v);
        }
        return new FullParameters(config, List.copyOf(names), List.copyOf(shapes), values);
    }

    public ModelConfig config() {
        return config;
    }

    public List<String> names() {
        return names;
    }

    public long count() {
        return values.stream().mapToLong(v -> v.length).sum();
    }

    @Override
    public List<float[]> arrays() {
        return values;
    }

    /**
     * Which arrays weight decay applies to: the matrices (embedding and projections), not norm weights or biases,
     * whose decay towards zero would only fight the scale they are there to learn (as GPT-2 and most recipes do).
     */
    public boolean[] decayMask() {
        boolean[] mask = new boolean[names.size()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = shapes.get(i).length == 2;
        }
        return mask;
    }

    /** The arrays under their names (with a prefix), for checkpoints and the published model. */
    public Map<String, TensorData> tensors(String prefix, List<float[]> arrays, DType dtype) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(prefix + names.get(i), new TensorData(dtype, shapes.get(i), arrays.get(i)));
        }
        return out;
    }

    /** Reads arrays written by {@link #tensors} back into {@code into}; false when one is missing or sized otherwise. */
    public boolean readTensors(String prefix, Map<String, TensorData> tensors, List<float[]> into) {
        for (int i = 0; i < names.size(); i++) {
            TensorData t = tensors.get(prefix + names.get(i));
            if (t == null || t.values().length != into.get(i).length) {
                return false;
            }
        }
        for (int i = 0; i < names.size(); i++) {
            float[] v = tensors.get(prefix + names.get(i)).values();
            System.arraycopy(v, 0, into.get(i), 0, v.length);
        }
        return true;
    }

    @Override
    public Attached attach(Transformer base, NDManager manager, double dropout, boolean withGradients) {
        Map<String, NDArray> uploaded = new LinkedHashMap<>();
        NDArray[] leaves = new NDArray[names.size()];
        for (int i = 0; i < names.size(); i++) {
            NDArray a = manager.create(values.get(i), new Shape(shapes.get(i)));
            if (withGradients) {
                a.setRequiresGradient(true);
            }
            leaves[i] = a;
            uploaded.put(names.get(i), base.computeType() == DataType.FLOAT32 ? a
                    : a.toType(base.computeType(), false));
        }
        Transformer view = base.withWeights(uploaded);
        return new Attached() {
            @Override
            public Transformer model() {
                return view;
            }

            @Override
            public LoraDelta delta() {
                return LoraDelta.NONE;
            }

            @Override
            public void addGradients(List<float[]> into) {
                float[] scratch = null;
                for (int i = 0; i < leaves.length; i++) {
                    float[] target = into.get(i);
                    FloatBuffer grad = leaves[i].getGradient().toByteBuffer(true).order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
                    if (scratch == null || scratch.length < target.length) {
                        scratch = new float[target.length];
                    }
                    grad.get(scratch, 0, target.length);
                    for (int j = 0; j < target.length; j++) {
                        target[j] += scratch[j];
                    }
                }
            }
        };
    }

    private static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
