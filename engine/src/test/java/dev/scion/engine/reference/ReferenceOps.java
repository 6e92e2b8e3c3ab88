package dev.scion.engine.reference;

/**
 * The pieces of a Llama-family decoder layer as plain loops over float arrays, each small enough to
 * check by hand. Matrices are row-major float arrays in PyTorch's (out, in) layout.
 *
 * <p>Numerics: values are float32 like the model's; every sum (dot products, the mean square of
 * RMSNorm, softmax's denominator) is accumulated in double and rounded once. That makes this
 * oracle slightly more exact than a float32 matmul, so comparisons need a tolerance of order 1e-4
 * relative, not bit equality. RoPE angles deliberately follow Hugging Face's float32 arithmetic
 * instead (see {@link #ropeCos}).
 */
public final class ReferenceOps {

    private ReferenceOps() {}

    /**
     * Hugging Face's LlamaRMSNorm: {@code x * 1/sqrt(mean(x^2) + eps) * weight}; the inverse root is
     * rounded to float32 before scaling, as {@code torch.rsqrt} on a float32 tensor returns it.
     */
    public static float[] rmsNorm(float[] x, float[] weight, double eps) {
        return rmsNormSlice(x, 0, x.length, weight, eps);
    }

    /** RMSNorm of each head's slice separately, as Qwen3's q_norm / k_norm over (heads, headDim). */
    public static float[] rmsNormPerHead(float[] x, int heads, int headDim, float[] weight, double eps) {
        requireLength("per-head input", x, heads * headDim);
        float[] out = new float[x.length];
        for (int h = 0; h < heads; h++) {
            float[] head = rmsNormSlice(x, h * headDim, headDim, weight, eps);
            System.arraycopy(head, 0, out, h * headDim, headDim);
        }
        return out;
    }

    private static float[] rmsNormSlice(float[] x, int from, int length, float[] weight, double eps) {
        requireLength("norm weight", weight, length);
        double sumSquares = 0;
        for (int i = 0; i < length; i++) {
            sumSquares += (double) x[from + i] * x[from + i];
        }
        float inverseRms = (float) (1.0 / Math.sqrt(sumSquares / length + eps));
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            out[i] = weight[i] * (x[from + i] * inverseRms);
        }
        return out;
    }

    /** {@code y = W x} with W (out, in) row-major. */
    public static float[] linear(float[] w, int out, int in, float[] x) {
        requireLength("weight", w, out * in);
        requireLength("linear input", x, in);
        float[] y = new float[out];
        for (int o = 0; o < out; o++) {
            double sum = 0;
            int row = o * in;
            for (int i = 0; i < in; i++) {
                sum += (double) w[row + i] * x[i];
            }
            y[o] = (float) sum;
        }
        return y;
    }

    /** {@code y = W x + b}; {@code bias} may be null. */
    public static float[] linear(float[] w, float[] bias, int out, int in, float[] x) {
        float[] y = linear(w, out, in, x);
        if (bias != null) {
            requireLength("bias", bias, out);
            for (int o = 0; o < out; o++) {
                y[o] += bias[o];
            }
        }
        return y;
    }

    /** SiLU, {@code x * sigmoid(x)}. */
    public static float silu(float x) {
        return (float) (x / (1.0 + Math.exp(-x)));
    }

    /** The gated part of a SwiGLU MLP: {@code silu(gate) * up}, elementwise. */
    public static float[] swiglu(float[] gate, float[] up) {
        requireLength("up", up, gate.length);
        float[] out = new float[gate.length];
        for (int i = 0; i < gate.length; i++) {
            out[i] = silu(gate[i]) * up[i];
        }
        return out;
    }

    /** Elementwise {@code a + b} into a new array: the residual connection. */
    public static float[] add(float[] a, float[] b) {
        requireLength("addend", b, a.length);
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    /**
     * Hugging Face's rotary angle tables for one position: {@code cos/sin(position * invFreq[i])}
     * with the product taken in float32, because HF computes {@code inv_freq @ position_ids} on
     * float32 tensors; at long positions that rounding is visible in the angle.
     */
    public static float[] ropeCos(int position, double[] invFreq) {
        float[] c = new float[invFreq.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) Math.cos((float) position * (float) invFreq[i]);
        }
        return c;
    }

    /** See {@link #ropeCos}. */
    public static float[] ropeSin(int position, double[] invFreq) {
        float[] s = new float[invFreq.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.sin((float) position * (float) invFreq[i]);
        }
        return s;
    }

    /**
     * Rotates every head of {@code x} (heads, headDim) to {@code position}, in HF's rotate_half
     * layout: dimension i pairs with i + headDim/2 (not with i+1), both rotated by frequency i,
     * i.e. {@code x * cos + rotate_half(x) * sin} with {@code rotate_half(x) = cat(-x2, x1)}.
     */
    public static float[] rope(float[] x, int heads, int headDim, int position, double[] invFreq) {
        requireLength("rope input", x, heads * headDim);
        int half = headDim / 2;
        if (invFreq.length != half) {
            throw new IllegalArgumentException("need " + half + " inverse frequencies, got " + invFreq.length);
        }
        float[] cos = ropeCos(position, invFreq);
        float[] sin = ropeSin(position, invFreq);
        float[] out = new float[x.length];
        for (int h = 0; h < heads; h++) {
            int base = h * headDim;
            for (int i = 0; i < half; i++) {
                float first = x[base + i];
                float second = x[base + i + half];
                out[base + i] = first * cos[i] - second * sin[i];
                out[base + i + half] = second * cos[i] + first * sin[i];
            }
        }
        return out;
    }

    /**
     * Causal scaled-dot-product attention with grouped kv heads: query head h reads kv head
     * {@code h / (heads / kvHeads)}, position t attends to positions 0..t, scores are scaled by
     * 1/sqrt(headDim).
     *
     * @param q (seq, heads * headDim), already rotated
     * @param k (seq, kvHeads * headDim), already rotated
     * @param v (seq, kvHeads * headDim)
     * @return (seq, heads * headDim), heads concatenated as o_proj expects
     */
    public static float[][] causalAttention(float[][] q, float[][] k, float[][] v, int heads, int kvHeads,
            int headDim) {
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(kvHeads + " kv heads do not divide " + heads + " heads");
        }
        int seq = q.length;
        if (k.length != seq || v.length != seq) {
            throw new IllegalArgumentException("q, k and v must cover the same " + seq + " positions");
        }
        int group = heads / kvHeads;
        double scale = 1.0 / Math.sqrt(headDim);
        float[][] out = new float[seq][heads * headDim];
        for (int t = 0; t < seq; t++) {
            requireLength("q row", q[t], heads * headDim);
            for (int h = 0; h < heads; h++) {
                int qBase = h * headDim;
                int kvBase = (h / group) * headDim;
                double[] scores = new double[t + 1];
                for (int s = 0; s <= t; s++) {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++) {
                        dot += (double) q[t][qBase + d] * k[s][kvBase + d];
                    }
                    scores[s] = dot * scale;
                }
                double[] weights = softmax(scores);
                for (int d = 0; d < headDim; d++) {
                    double sum = 0;
                    for (int s = 0; s <= t; s++) {
                        sum += weights[s] * v[s][kvBase + d];
                    }
                    out[t][qBase + d] = (float) sum;
                }
            }
        }
        return out;
    }

    /** Numerically stable softmax (the maximum is subtracted first). */
    public static double[] softmax(double[] scores) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scores) {
            max = Math.max(max, s);
        }
        double[] out = new double[scores.length];
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            out[i] = Math.exp(scores[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    /** Index of the largest value; the lowest index wins a tie, as torch.argmax does. */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static void requireLength(String what, float[] a, int expected) {
        if (a.length != expected) {
            throw new IllegalArgumentException(what + " has " + a.length + " values, expected " + expected);
        }
    }
}
