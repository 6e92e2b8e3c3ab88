package dev.scion.engine.weights;

import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.ModelFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every tensor a checkpoint of a given {@link ModelConfig} has, with Hugging Face names and shapes,
 * filled with seeded pseudo-random values. Tests and benchmarks use it where no real checkpoint is
 * at hand.
 *
 * <p>Values are a pure function of (seed, tensor name, element index): each tensor gets its own
 * splitmix64 stream seeded from the seed and a 64-bit FNV-1a hash of its name, so results are the
 * same in every JVM and do not depend on which tensors were asked for before. Tensors are produced
 * only when asked for and not kept, so even a 0.5B-shaped model never sits in memory whole.
 *
 * <p>Distributions are uniform (cheap, and only the variance matters here): linear weights and the
 * embedding have standard deviation 1/sqrt(last dimension), i.e. 1/sqrt(in) for a projection and
 * 1/sqrt(hidden) for the embedding, which keeps activations and logits of order one so a random
 * model picks varied tokens; norm weights are 1 plus noise of deviation 0.1 and biases
 * have deviation 0.1, so that forgetting either changes the output visibly.
 */
public final class RandomWeights implements WeightSource {

    private static final double NORM_NOISE_STD = 0.1;
    private static final double BIAS_STD = 0.1;
    private static final int CHUNK = 1 << 16;
    /** splitmix64's stream increment (2^64 divided by the golden ratio, made odd). */
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final ModelConfig config;
    private final long seed;
    private final Map<String, long[]> shapes; // name -> HF shape, in checkpoint order
    private final Path origin;

    public RandomWeights(ModelConfig config, long seed) {
        this.config = config;
        this.seed = seed;
        this.shapes = shapes(config);
        // Not a real file: it only gives error messages and TensorInfo something to name.
        this.origin = Path.of("random-weights-seed-" + seed);
    }

    public ModelConfig config() {
        return config;
    }

    public long seed() {
        return seed;
    }

    /** Every tensor name of a checkpoint with this config, in the order Hugging Face lists modules. */
    public static List<String> tensorNames(ModelConfig config) {
        return new ArrayList<>(shapes(config).keySet());
    }

    /** The Hugging Face shape of one tensor; {@link ModelFormatException} when the config has no such tensor. */
    public static long[] shape(ModelConfig config, String name) {
        long[] shape = shapes(config).get(name);
        if (shape == null) {
            throw new ModelFormatException("tensor " + name + " does not exist in a "
                    + config.architecture().hfName() + " checkpoint of this config");
        }
        return shape.clone();
    }

    private static Map<String, long[]> shapes(ModelConfig c) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long hidden = c.hiddenSize();
        long inter = c.intermediateSize();
        m.put("model.embed_tokens.weight", new long[] {c.vocabSize(), hidden});
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            m.put(p + "input_layernorm.weight", new long[] {hidden});
            m.put(p + "self_attn.q_proj.weight", new long[] {c.qDim(), hidden});
            m.put(p + "self_attn.k_proj.weight", new long[] {c.kvDim(), hidden});
            m.put(p + "self_attn.v_proj.weight", new long[] {c.kvDim(), hidden});
            if (c.qkvBias()) {
                m.put(p + "self_attn.q_proj.bias", new long[] {c.qDim()});
                m.put(p + "self_attn.k_proj.bias", new long[] {c.kvDim()});
                m.put(p + "self_attn.v_proj.bias", new long[] {c.kvDim()});
            }
            if (c.architecture().qkNorm()) {
                m.put(p + "self_attn.q_norm.weight", new long[] {c.headDim()});
                m.put(p + "self_attn.k_norm.weight", new long[] {c.headDim()});
            }
            m.put(p + "self_attn.o_proj.weight", new long[] {hidden, c.qDim()});
            m.put(p + "post_attention_layernorm.weight", new long[] {hidden});
            m.put(p + "mlp.gate_proj.weight", new long[] {inter, hidden});
            m.put(p + "mlp.up_proj.weight", new long[] {inter, hidden});
            m.put(p + "mlp.down_proj.weight", new long[] {hidden, inter});
        }
        m.put("model.norm.weight", new long[] {hidden});
        if (!c.tieWordEmbeddings()) {
            m.put("lm_head.weight", new long[] {c.vocabSize(), hidden});
        }
        return m;
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(shapes.keySet());
    }

    @Override
    public TensorInfo info(String name) {
        long[] shape = shapeOf(name);
        return new TensorInfo(name, DType.F32, shape.clone(), origin, 0, elementCount(shape) * Float.BYTES);
    }

    @Override
    public ByteBuffer float32(String name) {
        long[] shape = shapeOf(name);
        long count = elementCount(shape);
        if (count * Float.BYTES > Integer.MAX_VALUE) {
            throw new ModelFormatException(origin + ": tensor " + name + " has " + count
                    + " elements, more than one buffer of float32 can hold");
        }
        ByteBuffer bytes = ByteBuffer.allocateDirect((int) count * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        fill(bytes.asFloatBuffer(), (int) count, name, shape);
        return bytes;
    }

    private static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private long[] shapeOf(String name) {
        long[] shape = shapes.get(name);
        if (shape == null) {
            throw new ModelFormatException(origin + ": no tensor named " + name + " in a "
                    + config.architecture().hfName() + " checkpoint of this config");
        }
        return shape;
    }

    private void fill(FloatBuffer out, int count, String name, long[] shape) {
        double mean;
        double std;
        if (name.endsWith("norm.weight")) {
            mean = 1.0;
            std = NORM_NOISE_STD;
        } else if (name.endsWith(".bias")) {
            mean = 0.0;
            std = BIAS_STD;
        } else {
            mean = 0.0;
            std = 1.0 / Math.sqrt(shape[shape.length - 1]);
        }
        // A uniform on [-h, h] has variance h^2 / 3.
        float halfWidth = (float) (std * Math.sqrt(3.0));
        float offset = (float) mean;
        long state = mix64(seed) ^ fnv1a64(name);
        float[] chunk = new float[Math.min(count, CHUNK)];
        int done = 0;
        while (done < count) {
            int n = Math.min(chunk.length, count - done);
            for (int i = 0; i < n; i += 2) {
                state += GOLDEN_GAMMA;
                long bits = mix64(state);
                chunk[i] = offset + halfWidth * signedUnit((int) (bits >>> 32));
                if (i + 1 < n) {
                    chunk[i + 1] = offset + halfWidth * signedUnit((int) bits);
                }
            }
            out.put(chunk, 0, n);
            done += n;
        }
    }

    /** Maps 32 random bits to a float uniform on [-1, 1), using the top 24 bits a float can hold exactly. */
    private static float signedUnit(int bits) {
        return (bits >> 8) * 0x1.0p-23f;
    }

    /** The splitmix64 output function (Steele, Lea and Flood), a fast, well-mixed 64-bit bijection. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** 64-bit FNV-1a over the name's UTF-16 units: stable across JVMs and versions, unlike identity hashes. */
    static long fnv1a64(String s) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001B3L;
        }
        return mix64(h);
    }

    @Override
    public void close() {
        // Nothing is held: every tensor is generated on request and owned by the caller.
    }
}
