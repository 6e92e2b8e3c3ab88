package dev.scion.engine.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks one sequence's next tokens from rows of logits: penalties (repetition, then presence and
 * frequency), then temperature, top-k, top-p and min-p, then a draw from a per-sequence random
 * stream seeded from {@link SamplingParams#seed()}, so a seeded request repeats exactly.
 *
 * <p>Log-probabilities are computed only when asked for ({@code topLogprobs >= 0}, OpenAI's
 * {@code logprobs: true}), since they cost a pass of exponentials over the row. They come from
 * the model's raw distribution, log_softmax of the logits before any penalty, temperature or truncation, as vLLM reports them by default: they describe
 * what the model believes, independent of how the request chose to sample, and stay comparable
 * across requests with different sampling settings.
 *
 * <p>Rows may be 150k wide, so nothing here sorts a row: top-k and top-p take the best candidates
 * with a partial selection (growing the candidate count only while top-p still needs more mass),
 * and the processed logits live in one scratch row reused for every step.
 */
public final class Sampler {

    /** First candidate count tried for top-p without top-k; most of the mass is usually in far fewer tokens. */
    private static final int FIRST_TOP_P_CANDIDATES = 64;

    private final SamplingParams params;
    private final TokenCounts promptAndGenerated = new TokenCounts();
    private final TokenCounts generated = new TokenCounts();
    private final SplittableRandom random;
    private float[] scratch = new float[0]; // (vocab) penalised logits of the current step

    public Sampler(SamplingParams params, int[] promptIds) {
        this.params = params;
        for (int id : promptIds) {
            promptAndGenerated.add(id);
        }
        this.random = params.seed() != null ? new SplittableRandom(params.seed()) : new SplittableRandom();
    }

    public SamplingParams params() {
        return params;
    }

    /**
     * Draws the next token from {@code logits[offset, offset + vocab)} and records it as generated.
     * The caller's array is not modified.
     *
     * @throws NonFiniteLogitsException the row holds NaN or +infinity, or only -infinity
     */
    public SampledToken sample(float[] logits, int offset, int vocab) {
        if (vocab < 1 || offset < 0 || (long) offset + vocab > logits.length) {
            throw new IllegalArgumentException("logits row [" + offset + ", " + ((long) offset + vocab)
                    + ") does not fit an array of " + logits.length);
        }
        checkFinite(logits, offset, vocab);
        if (scratch.length < vocab) {
            scratch = new float[vocab];
        }
        System.arraycopy(logits, offset, scratch, 0, vocab);
        Penalties.apply(scratch, vocab, params, promptAndGenerated, generated);
        int chosen = params.greedy() ? TopSelection.top(scratch, 0, vocab, 1)[0] : draw(scratch, vocab);
        promptAndGenerated.add(chosen);
        generated.add(chosen);
        return params.topLogprobs() < 0 ? new SampledToken(chosen, Float.NaN, new int[0], new float[0])
                : withLogprobs(chosen, logits, offset, vocab, logSumExp(logits, offset, vocab));
    }

    private int draw(float[] row, int vocab) {
        float max = max(row, vocab);
        double invTemperature = 1.0 / params.temperature();
        boolean truncated = (params.topK() > 0 && params.topK() < vocab) || params.topP() < 1;
        if (!truncated) {
            return drawFromWholeRow(row, vocab, max, invTemperature);
        }
        int[] candidates;
        double[] weights;
        int kept;
        if (params.topK() > 0 && params.topK() < vocab) {
            candidates = TopSelection.top(row, 0, vocab, params.topK());
            weights = weights(row, candidates, max, invTemperature);
            // Top-p after top-k renormalises over the k survivors, as Hugging Face and vLLM do.
            kept = nucleus(weights, sum(weights));
        } else {
            double total = 0;
            for (int i = 0; i < vocab; i++) {
                total += FastExp.exp((row[i] - max) * invTemperature);
            }
            int k = Math.min(FIRST_TOP_P_CANDIDATES, vocab);
            while (true) {
                candidates = TopSelection.top(row, 0, vocab, k);
                weights = weights(row, candidates, max, invTemperature);
                kept = nucleus(weights, total);
                if (kept < k || k == vocab) {
                    break;
                }
                k = (int) Math.min(vocab, 4L * k);
            }
        }
        kept = minP(weights, kept);
        double u = random.nextDouble() * sum(weights, kept);
        double acc = 0;
        for (int j = 0; j < kept; j++) {
            acc += weights[j];
            if (u < acc) {
                return candidates[j];
            }
        }
        // u rounded up to the total: the last candidate with any weight (a masked token has none and is never drawn)
        for (int j = kept - 1; j > 0; j--) {
            if (weights[j] > 0) {
                return candidates[j];
            }
        }
        return candidates[0];
    }

    /** Inverse-CDF draw over the whole row, skipping tokens under min-p; the row is overwritten with the weights. */
    private int drawFromWholeRow(float[] row, int vocab, float max, double invTemperature) {
        double floor = params.minP();
        double total = 0;
        for (int i = 0; i < vocab; i++) {
            double w = FastExp.exp((row[i] - max) * invTemperature);
            row[i] = w >= floor ? (float) w : 0f;
            total += row[i];
        }
        double u = random.nextDouble() * total;
        double acc = 0;
        int last = -1;
        for (int i = 0; i < vocab; i++) {
            if (row[i] > 0) {
                acc += row[i];
                last = i;
                if (u < acc) {
                    return i;
                }
            }
        }
        return last;
    }

    /** How many of the best-first weights form the smallest set holding at least top_p of {@code total}. */
    private int nucleus(double[] weights, double total) {
        double target = params.topP() * total;
        double acc = 0;
        for (int j = 0; j < weights.length; j++) {
            acc += weights[j];
            if (acc >= target) {
                return j + 1;
            }
        }
        return weights.length;
    }

    /** Cuts the best-first weights where one falls under min_p times the best (the best has weight 1 or less). */
    private int minP(double[] weights, int kept) {
        double floor = params.minP() * weights[0];
        int j = 1;
        while (j < kept && weights[j] >= floor) {
            j++;
        }
        return j;
    }

    private SampledToken withLogprobs(int chosen, float[] logits, int offset, int vocab, double logNormaliser) {
        float logprob = (float) (logits[offset + chosen] - logNormaliser);
        int n = Math.max(0, params.topLogprobs());
        int[] topIds = n == 0 ? new int[0] : TopSelection.top(logits, offset, vocab, n);
        // A masked row (constrained decoding) may hold fewer finite tokens than asked for: those are the alternatives.
        int finite = 0;
        while (finite < topIds.length && logits[offset + topIds[finite]] != Float.NEGATIVE_INFINITY) {
            finite++;
        }
        if (finite < topIds.length) {
            topIds = Arrays.copyOf(topIds, finite);
        }
        float[] topLogprobs = new float[topIds.length];
        for (int j = 0; j < topIds.length; j++) {
            topLogprobs[j] = (float) (logits[offset + topIds[j]] - logNormaliser);
        }
        return new SampledToken(chosen, logprob, topIds, topLogprobs);
    }

    /** Refuses rows a model should never produce: NaN, +infinity, or every token masked. */
    private static void checkFinite(float[] logits, int offset, int vocab) {
        boolean anyFinite = false;
        for (int i = offset; i < offset + vocab; i++) {
            float v = logits[i];
            if (Float.isNaN(v) || v == Float.POSITIVE_INFINITY) {
                throw new NonFiniteLogitsException("the logits hold " + v + " at token " + (i - offset));
            }
            anyFinite |= v != Float.NEGATIVE_INFINITY;
        }
        if (!anyFinite) {
            throw new NonFiniteLogitsException("the logits hold no finite value: every token is at -Infinity");
        }
    }

    /** log(sum(exp(row))) of a row that passed {@link #checkFinite}. */
    static double logSumExp(float[] logits, int offset, int vocab) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = offset; i < offset + vocab; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (int i = offset; i < offset + vocab; i++) {
            sum += FastExp.exp(logits[i] - max);
        }
        return max + Math.log(sum);
    }

    private static double[] weights(float[] row, int[] ids, float max, double invTemperature) {
        double[] weights = new double[ids.length];
        for (int j = 0; j < ids.length; j++) {
            weights[j] = FastExp.exp((row[ids[j]] - max) * invTemperature);
        }
        return weights;
    }

    private static float max(float[] row, int vocab) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            max = Math.max(max, row[i]);
        }
        return max;
    }

    private static double sum(double[] weights) {
        return sum(weights, weights.length);
    }

    private static double sum(double[] weights, int count) {
        double sum = 0;
        for (int j = 0; j < count; j++) {
            sum += weights[j];
        }
        return sum;
    }
}
