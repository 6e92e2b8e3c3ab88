package dev.scion.engine.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scion.engine.model.RopeScaling;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each helper against numbers worked out by hand (with a calculator) rather than by other helpers. */
class ReferenceOpsTest {

    private static final float TOL = 1e-6f;

    @Test
    void rmsNormDividesByTheRootMeanSquareThenScalesByTheWeight() {
        // mean(1, 4, 9, 16) = 7.5, 1/sqrt(7.5) = 0.36514837
        assertArrayEquals(new float[] {0.36514837f, 0.73029674f, 1.0954451f, 1.4605935f},
                ReferenceOps.rmsNorm(new float[] {1, 2, 3, 4}, new float[] {1, 1, 1, 1}, 1e-12), TOL);
        // eps joins the mean: 7.5 + 0.5 = 8, 1/sqrt(8) = 0.35355339; weights scale per dimension
        assertArrayEquals(new float[] {0.70710678f, 0.70710678f, 0.53033009f, 0f},
                ReferenceOps.rmsNorm(new float[] {1, 2, 3, 4}, new float[] {2, 1, 0.5f, 0}, 0.5), TOL);
    }

    @Test
    void perHeadNormNormalisesEachHeadOnItsOwn() {
        // head 0: mean(9, 16) = 12.5, 1/sqrt(12.5) = 0.28284271; head 1: mean(1, 1) = 1; one weight for all heads
        assertArrayEquals(new float[] {0.84852814f, 3.3941125f, 1f, 3f},
                ReferenceOps.rmsNormPerHead(new float[] {3, 4, 1, 1}, 2, 2, new float[] {1, 3}, 1e-12), 1e-6f);
    }

    @Test
    void linearIsRowMajorOutByInWithOptionalBias() {
        float[] w = {1, 2, 3, 4, 5, 7}; // (3, 2)
        assertArrayEquals(new float[] {-1, -1, -2}, ReferenceOps.linear(w, 3, 2, new float[] {1, -1}), 0f);
        assertArrayEquals(new float[] {-0.5f, -1, -1}, ReferenceOps.linear(w, new float[] {0.5f, 0, 1}, 3, 2,
                new float[] {1, -1}), 0f);
        assertThrows(IllegalArgumentException.class, () -> ReferenceOps.linear(w, 2, 2, new float[] {1, 1}));
    }

    @Test
    void swigluIsSiluOfGateTimesUp() {
        // silu(1) = 1 / (1 + e^-1) = 0.73105858; silu(-2) = -2 / (1 + e^2) = -0.23840584
        assertEquals(0.73105858f, ReferenceOps.silu(1), TOL);
        assertEquals(-0.23840584f, ReferenceOps.silu(-2), TOL);
        assertEquals(0f, ReferenceOps.silu(0), 0f);
        assertArrayEquals(new float[] {1.4621172f, -0.71521753f, 0f},
                ReferenceOps.swiglu(new float[] {1, -2, 0}, new float[] {2, 3, 5}), TOL);
    }

    @Test
    void inverseFrequenciesForAFourWideHead() {
        // theta^(-2i/d) for i = 0, 1 with d = 4: 1 and 10000^-0.5
        assertArrayEquals(new double[] {1, 0.01}, RopeScaling.inverseFrequencies(4, 10000, null), 1e-12);
    }

    @Test
    void ropePairsDimensionIWithIPlusHalfAsRotateHalfDoes() {
        double[] inv = {1, 0.01};
        float[] out = ReferenceOps.rope(new float[] {1, 2, 3, 4}, 1, 4, 1, inv);
        // pair (x0, x2) turns by 1 rad, pair (x1, x3) by 0.01 rad:
        // x0 cos1 - x2 sin1, x1 cos.01 - x3 sin.01, x2 cos1 + x0 sin1, x3 cos.01 + x1 sin.01
        assertArrayEquals(new float[] {-1.9841106f, 1.9599007f, 2.4623779f, 4.0197997f}, out, 2e-6f);
        // The interleaved (GPT-J) layout pairs (x0, x1) and (x2, x3) and must give something else.
        assertFalse(Arrays.equals(interleavedRope(new float[] {1, 2, 3, 4}, 1, inv), out));
        assertEquals(-1.1426396f, interleavedRope(new float[] {1, 2, 3, 4}, 1, inv)[0], 1e-6f);
    }

    @Test
    void ropeAtPositionZeroIsExactlyTheIdentity() {
        float[] x = randomVector(new SplittableRandom(1), 3 * 16);
        double[] inv = RopeScaling.inverseFrequencies(16, 10000, null);
        assertArrayEquals(x, ReferenceOps.rope(x, 3, 16, 0, inv), 0f);
    }

    @Test
    void ropeScoresDependOnlyOnTheDistanceBetweenPositions() {
        SplittableRandom r = new SplittableRandom(2);
        float[] q = randomVector(r, 16);
        float[] k = randomVector(r, 16);
        double[] inv = RopeScaling.inverseFrequencies(16, 10000, null);
        double near = dot(ReferenceOps.rope(q, 1, 16, 7, inv), ReferenceOps.rope(k, 1, 16, 4, inv));
        double far = dot(ReferenceOps.rope(q, 1, 16, 103, inv), ReferenceOps.rope(k, 1, 16, 100, inv));
        double origin = dot(ReferenceOps.rope(q, 1, 16, 3, inv), ReferenceOps.rope(k, 1, 16, 0, inv));
        assertEquals(origin, near, 1e-5);
        assertEquals(origin, far, 1e-4);
        // Each head is rotated independently: the second head of a two-head vector sees the same rotation.
        float[] two = new float[32];
        System.arraycopy(q, 0, two, 0, 16);
        System.arraycopy(q, 0, two, 16, 16);
        float[] rotated = ReferenceOps.rope(two, 2, 16, 9, inv);
        assertArrayEquals(Arrays.copyOfRange(rotated, 0, 16), Arrays.copyOfRange(rotated, 16, 32), 0f);
    }

    @Test
    void attentionOfTwoPositionsByHand() {
        float[][] q = {{1, 0}, {0, 1}};
        float[][] k = {{1, 0}, {0, 2}};
        float[][] v = {{1, 2}, {3, 4}};
        float[][] out = ReferenceOps.causalAttention(q, k, v, 1, 1, 2);
        // Position 0 sees only itself: its output is v0 whatever q and k are.
        assertArrayEquals(new float[] {1, 2}, out[0], 0f);
        // Position 1: scores (0, 2) / sqrt(2) -> softmax (0.19557032, 0.80442968)
        assertArrayEquals(new float[] {2.6088594f, 3.6088594f}, out[1], TOL);
    }

    @Test
    void attentionIsCausal() {
        SplittableRandom r = new SplittableRandom(3);
        float[][] q = {randomVector(r, 8), randomVector(r, 8), randomVector(r, 8)};
        float[][] k = {randomVector(r, 8), randomVector(r, 8), randomVector(r, 8)};
        float[][] v = {randomVector(r, 8), randomVector(r, 8), randomVector(r, 8)};
        float[][] before = ReferenceOps.causalAttention(q, k, v, 2, 2, 4);
        k[2] = randomVector(r, 8);
        v[2] = randomVector(r, 8);
        float[][] after = ReferenceOps.causalAttention(q, k, v, 2, 2, 4);
        assertArrayEquals(before[0], after[0], 0f);
        assertArrayEquals(before[1], after[1], 0f);
        assertFalse(Arrays.equals(before[2], after[2]));
    }

    @Test
    void groupedQueryHeadsReadKvHeadHDividedByGroupSize() {
        SplittableRandom r = new SplittableRandom(4);
        int seq = 3;
        int headDim = 4;
        float[][] q = new float[seq][];
        float[][] k = new float[seq][];
        float[][] v = new float[seq][];
        for (int t = 0; t < seq; t++) {
            q[t] = randomVector(r, 4 * headDim);
            k[t] = randomVector(r, 2 * headDim);
            v[t] = randomVector(r, 2 * headDim);
        }
        float[][] grouped = ReferenceOps.causalAttention(q, k, v, 4, 2, headDim);
        int[] expectedKvHead = {0, 0, 1, 1};
        for (int h = 0; h < 4; h++) {
            float[][] single = ReferenceOps.causalAttention(slice(q, h, headDim), slice(k, expectedKvHead[h], headDim),
                    slice(v, expectedKvHead[h], headDim), 1, 1, headDim);
            for (int t = 0; t < seq; t++) {
                assertArrayEquals(single[t], Arrays.copyOfRange(grouped[t], h * headDim, (h + 1) * headDim), 0f,
                        "head " + h + " position " + t);
            }
        }
    }

    @Test
    void softmaxIsStableForLargeScoresAndArgmaxPrefersTheFirstTie() {
        double[] p = ReferenceOps.softmax(new double[] {1000, 1000 + Math.log(3)});
        assertEquals(0.25, p[0], 1e-12);
        assertEquals(0.75, p[1], 1e-12);
        assertEquals(1, ReferenceOps.argmax(new float[] {0, 5, 5, -1}));
    }

    /** The GPT-J / Meta-original layout, as a guard against mixing the two up. */
    private static float[] interleavedRope(float[] x, int position, double[] inv) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length / 2; i++) {
            double angle = position * inv[i];
            out[2 * i] = (float) (x[2 * i] * Math.cos(angle) - x[2 * i + 1] * Math.sin(angle));
            out[2 * i + 1] = (float) (x[2 * i + 1] * Math.cos(angle) + x[2 * i] * Math.sin(angle));
        }
        return out;
    }

    private static float[][] slice(float[][] rows, int head, int headDim) {
        float[][] out = new float[rows.length][];
        for (int t = 0; t < rows.length; t++) {
            out[t] = Arrays.copyOfRange(rows[t], head * headDim, (head + 1) * headDim);
        }
        return out;
    }

    static float[] randomVector(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
