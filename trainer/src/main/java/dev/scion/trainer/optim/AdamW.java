package dev.scion.trainer.optim;

import java.util.List;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), over plain float arrays. The update runs in Java
 * in a fixed order, so the same gradients always give the same bits; its moments are saved in checkpoints
 * and, when kept, with the published version.
 */
public final class AdamW {
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPSILON = 1e-8;

    private final List<float[]> m;
    private final List<float[]> v;
    private final double weightDecay;
    private final boolean[] decayed; // per array; null: all
    private long step;

    /** @param m first moments, @param v second moments: zeros for a fresh optimizer, or restored state */
    public AdamW(List<float[]> m, List<float[]> v, long step, double weightDecay) {
        this(m, v, step, weightDecay, null);
    }

    /** @param decayed which arrays weight decay applies to, in parameter order; null: all of them */
    public AdamW(List<float[]> m, List<float[]> v, long step, double weightDecay, boolean[] decayed) {
        if (decayed != null && decayed.length != m.size()) {
            throw new IllegalArgumentException(decayed.length + " decay flags for " + m.size() + " arrays");
        }
        this.m = m;
        this.v = v;
        this.step = step;
        this.weightDecay = weightDecay;
        this.decayed = decayed == null ? null : decayed.clone();
    }

    public List<float[]> firstMoments() {
        return m;
    }

    public List<float[]> secondMoments() {
        return v;
    }

    /** Updates applied so far (Adam's bias correction depends on it). */
    public long step() {
        return step;
    }

    /** Sets the update count from a checkpoint (the moments are restored into the arrays themselves). */
    public void restoreStep(long step) {
        this.step = step;
    }

    /** One update of every parameter array with its gradient, at this learning rate. */
    public void update(List<float[]> params, List<float[]> grads, double learningRate) {
        step++;
        double correction1 = 1 - Math.pow(BETA1, step);
        double correction2 = 1 - Math.pow(BETA2, step);
        float decayAll = (float) (1 - learningRate * weightDecay);
        for (int i = 0; i < params.size(); i++) {
            float decay = decayed == null || decayed[i] ? decayAll : 1f;
            float[] p = params.get(i);
            float[] g = grads.get(i);
            float[] mi = m.get(i);
            float[] vi = v.get(i);
            for (int j = 0; j < p.length; j++) {
                float gj = g[j];
                mi[j] = (float) (BETA1 * mi[j] + (1 - BETA1) * gj);
                vi[j] = (float) (BETA2 * vi[j] + (1 - BETA2) * gj * gj);
                double mHat = mi[j] / correction1;
                double vHat = vi[j] / correction2;
                p[j] = (float) (p[j] * decay - learningRate * mHat / (Math.sqrt(vHat) + EPSILON));
            }
        }
    }

    /** The global L2 norm of the gradients. */
    public static double norm(List<float[]> grads) {
        double sum = 0;
        for (float[] g : grads) {
            for (float x : g) {
                sum += (double) x * x;
            }
        }
        return Math.sqrt(sum);
    }

    /** Scales the gradients so their global norm is at most {@code maxNorm} (0: no clipping); returns the norm before. */
    public static double clip(List<float[]> grads, double maxNorm) {
        double norm = norm(grads);
        if (maxNorm > 0 && norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (float[] g : grads) {
                for (int j = 0; j < g.length; j++) {
                    g[j] *= scale;
                }
            }
        }
        return norm;
    }
}
