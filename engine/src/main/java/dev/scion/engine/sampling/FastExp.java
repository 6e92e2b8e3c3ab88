package dev.scion.engine.sampling;

/**
 * e^x for the softmax weights, about five times faster than {@link Math#exp} and accurate to a
 * few parts in 10^9 (far below the float precision of logits). Sampling evaluates it for every
 * entry of 150k-wide rows on every step, where Math.exp dominated the cost.
 *
 * <p>x = n·ln2 + g with n an integer and |g| ≤ ln2/2; e^g comes from its Taylor series to degree
 * 8 and 2^n is put into the exponent bits directly.
 */
final class FastExp {

    private static final double LOG2_E = 1.4426950408889634;
    private static final double LN2 = 0.6931471805599453;
    /** Below this e^x is under the smallest normal double; the weight is zero for every purpose here. */
    private static final double UNDERFLOW = -708;

    private FastExp() {
    }

    /** e^x for x ≤ 0 (softmax weights are taken after subtracting the row maximum); NaN stays NaN. */
    static double exp(double x) {
        if (!(x >= UNDERFLOW)) {
            return x != x ? x : 0.0;
        }
        if (x > 0) {
            return Math.exp(x);
        }
        double n = Math.rint(x * LOG2_E);
        double g = x - n * LN2;
        double p = 1 + g * (1 + g * (1.0 / 2 + g * (1.0 / 6 + g * (1.0 / 24 + g * (1.0 / 120
                + g * (1.0 / 720 + g * (1.0 / 5040 + g * (1.0 / 40320))))))));
        return p * Double.longBitsToDouble(((long) n + 1023) << 52);
    }
}
