package dev.scion.engine.runtime;

import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.model.Projection;
import dev.scion.engine.weights.DType;
import dev.scion.engine.weights.TensorInfo;
import dev.scion.engine.weights.WeightSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Scratch random weights for early runtime checks. */
final class ScratchWeights implements WeightSource {
    final Map<String, long[]> shapes = new LinkedHashMap<>();
    final Map<String, float[]> values = new LinkedHashMap<>();

    ScratchWeights(ModelConfig c, long seed) {
        Random rnd = new Random(seed);
        put("model.embed_tokens.weight", rnd, 1.0, c.vocabSize(), c.hiddenSize());
        for (int l = 0; l < c.numLayers(); l++) {
            putNorm("model.layers." + l + ".input_layernorm.weight", rnd, c.hiddenSize());
            putNorm("model.layers." + l + ".post_attention_layernorm.weight", rnd, c.hiddenSize());
            for (Projection p : Projection.values()) {
                put(p.path(l) + ".weight", rnd, 1.0 / Math.sqrt(p.inDim(c)), p.outDim(c), p.inDim(c));
            }
            if (c.qkvBias()) {
                put(Projection.Q.path(l) + ".bias", rnd, 0.1, c.qDim());
                put(Projection.K.path(l) + ".bias", rnd, 0.1, c.kvDim());
                put(Projection.V.path(l) + ".bias", rnd, 0.1, c.kvDim());
            }
            if (c.architecture().qkNorm()) {
                putNorm("model.layers." + l + ".self_attn.q_norm.weight", rnd, c.headDim());
                putNorm("model.layers." + l + ".self_attn.k_norm.weight", rnd, c.headDim());
            }
        }
        putNorm("model.norm.weight", rnd, c.hiddenSize());
        if (!c.tieWordEmbeddings()) {
            put("lm_head.weight", rnd, 1.0 / Math.sqrt(c.hiddenSize()), c.vocabSize(), c.hiddenSize());
        }
    }

    private void put(String name, Random rnd, double std, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * std);
        shapes.put(name, shape);
        values.put(name, v);
    }

    private void putNorm(String name, Random rnd, long n) {
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = 1f + (float) (rnd.nextGaussian() * 0.1);
        shapes.put(name, new long[] {n});
        values.put(name, v);
    }

    @Override public Set<String> names() { return shapes.keySet(); }

    @Override public TensorInfo info(String name) {
        if (!shapes.containsKey(name)) throw new ModelFormatException("scratch: tensor " + name + " not found");
        return new TensorInfo(name, DType.F32, shapes.get(name), null, 0, values.get(name).length * 4L);
    }

    @Override public ByteBuffer float32(String name) {
        info(name);
        float[] v = values.get(name);
        ByteBuffer b = ByteBuffer.allocateDirect(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b;
    }

    @Override public void close() {}
}
