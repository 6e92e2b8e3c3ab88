package dev.scion.engine.sampling;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class SamplerTest {

    static final int VOCAB = 1000;

    static float[] randomLogits(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) {
            logits[i] = (float) (r.nextGaussian() * 3);
        }
        return logits;
    }

    static int argmax(float[] row, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (row[offset + i] > row[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    static SamplingParams sampling(double temperature, double topP, int topK, Long seed) {
        return new SamplingParams(temperature, topP, topK, 0, seed, 0, 0, 1, -1);
    }

    @Test
    void greedyIsArgmaxOfTheRowAtItsOffset() {
        float[] batch = randomLogits(1, 3 * VOCAB);
        Sampler sampler = new Sampler(SamplingParams.GREEDY, new int[0]);
        for (int row = 0; row < 3; row++) {
            assertEquals(argmax(batch, row * VOCAB, VOCAB), sampler.sample(batch, row * VOCAB, VOCAB).id());
        }
        float[] copy = randomLogits(1, 3 * VOCAB);
        assertArrayEquals(copy, batch, "the caller's logits must not change");
    }

    @Test
    void sameSeedSameDrawsDifferentSeedsDiffer() {
        int[] a = draws(sampling(1, 1, -1, 1234L), 200);
        int[] b = draws(sampling(1, 1, -1, 1234L), 200);
        int[] c = draws(sampling(1, 1, -1, 99L), 200);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        int[] truncatedA = draws(sampling(0.8, 0.9, 50, 5L), 200);
        assertArrayEquals(truncatedA, draws(sampling(0.8, 0.9, 50, 5L), 200));
    }

    @Test
    void unseededSamplersDiffer() {
        assertFalse(Arrays.equals(draws(sampling(1, 1, -1, null), 200), draws(sampling(1, 1, -1, null), 200)));
    }

    @Test
    void topKOneAndTinyTopPAreGreedy() {
        for (long step = 0; step < 50; step++) {
            float[] logits = randomLogits(step, VOCAB);
            int best = argmax(logits, 0, VOCAB);
            assertEquals(best, new Sampler(sampling(1.5, 1, 1, step), new int[0]).sample(logits, 0, VOCAB).id());
            assertEquals(best, new Sampler(sampling(1.5, 1e-9, -1, step), new int[0]).sample(logits, 0, VOCAB).id());
            assertEquals(best, new Sampler(sampling(2, 1e-9, 40, step), new int[0]).sample(logits, 0, VOCAB).id());
        }
    }

    @Test
    void drawsFollowTheSoftmaxAtTemperatureOne() {
        float[] logits = {1.0f, 2.0f, 0.5f};
        double[] expected = softmax(logits, 1);
        assertFrequencies(sampling(1, 1, -1, 42L), logits, expected);
        // temperature 0.5 sharpens: softmax(logits / 0.5)
        assertFrequencies(sampling(0.5, 1, -1, 43L), logits, softmax(logits, 0.5));
    }

    @Test
    void topKAndTopPRenormaliseOverTheSurvivors() {
        float[] logits = {1.0f, 2.0f, 0.5f, 1.5f};
        // top-k 2 keeps tokens 1 and 3
        double[] p = softmax(new float[]{2.0f, 1.5f}, 1);
        assertFrequencies(sampling(1, 1, 2, 44L), logits, new double[]{0, p[0], 0, p[1]});
        // full softmax ≈ [0.17, 0.46, 0.10, 0.28]: top-p 0.6 needs tokens 1 and 3, the rest are dropped
        assertFrequencies(sampling(1, 0.6, -1, 45L), logits, new double[]{0, p[0], 0, p[1]});
    }

    @Test
    void minPDropsUnlikelyTokens() {
        float[] logits = {0f, (float) Math.log(0.5), (float) Math.log(0.05)};
        // min_p 0.1: token 2 has 0.05 of the best's probability and goes
        SamplingParams params = new SamplingParams(1, 1, -1, 0.1, 46L, 0, 0, 1, -1);
        assertFrequencies(params, logits, new double[]{2.0 / 3, 1.0 / 3, 0});
        SamplingParams withTopK = new SamplingParams(1, 1, 3, 0.1, 47L, 0, 0, 1, -1);
        assertFrequencies(withTopK, logits, new double[]{2.0 / 3, 1.0 / 3, 0});
    }

    @Test
    void topPWithoutTopKGrowsPastTheFirstCandidates() {
        // a flat row of 500 tokens: top-p 0.9 needs 450 of them, more than the first 64 candidates
        float[] logits = new float[500];
        Sampler sampler = new Sampler(sampling(1, 0.9, -1, 48L), new int[0]);
        boolean[] seen = new boolean[500];
        for (int i = 0; i < 20_000; i++) {
            seen[sampler.sample(logits, 0, 500).id()] = true;
        }
        int distinct = 0;
        for (int i = 0; i < 500; i++) {
            distinct += seen[i] ? 1 : 0;
            if (i >= 450) {
                assertFalse(seen[i], "token " + i + " is outside the nucleus");
            }
        }
        assertEquals(450, distinct);
    }

    @Test
    void logprobsAreRawLogSoftmaxAndTopLogprobsSorted() {
        float[] batch = randomLogits(3, 2 * VOCAB);
        SamplingParams params = new SamplingParams(0.7, 0.95, 50, 0, 11L, 0.5, 0.5, 1.3, 5);
        Sampler sampler = new Sampler(params, new int[]{1, 2, 3});
        for (int row = 0; row < 2; row++) {
            int offset = row * VOCAB;
            SampledToken t = sampler.sample(batch, offset, VOCAB);
            double[] logSoftmax = logSoftmax(batch, offset, VOCAB);
            assertEquals(logSoftmax[t.id()], t.logprob(), 1e-5);
            assertEquals(5, t.topIds().length);
            int[] order = java.util.stream.IntStream.range(0, VOCAB).boxed()
                    .sorted((a, b) -> Double.compare(logSoftmax[b], logSoftmax[a]))
                    .mapToInt(Integer::intValue).limit(5).toArray();
            assertArrayEquals(order, t.topIds());
            for (int j = 0; j < 5; j++) {
                assertEquals(logSoftmax[order[j]], t.topLogprobs()[j], 1e-5);
                if (j > 0) {
                    assertTrue(t.topLogprobs()[j] <= t.topLogprobs()[j - 1]);
                }
            }
        }
        SampledToken chosenOnly = new Sampler(new SamplingParams(0, 1, -1, 0, null, 0, 0, 1, 0), new int[0])
                .sample(batch, 0, VOCAB);
        assertEquals(0, chosenOnly.topIds().length);
        assertEquals(logSoftmax(batch, 0, VOCAB)[chosenOnly.id()], chosenOnly.logprob(), 1e-5);
        SampledToken none = new Sampler(SamplingParams.GREEDY, new int[0]).sample(batch, 0, VOCAB);
        assertEquals(chosenOnly.id(), none.id());
        assertTrue(Float.isNaN(none.logprob()), "no logprobs were asked for");
        assertEquals(0, none.topIds().length);
    }

    @Test
    void penaltiesChangeLogitsAsSpecified() {
        SamplingParams params = new SamplingParams(1, 1, -1, 0, 1L, 0.5, 0.25, 2.0, -1);
        TokenCounts promptAndGenerated = new TokenCounts();
        TokenCounts generated = new TokenCounts();
        for (int id : new int[]{0, 1}) {          // prompt
            promptAndGenerated.add(id);
        }
        for (int id : new int[]{2, 2, 3, 1}) {    // generated
            promptAndGenerated.add(id);
            generated.add(id);
        }
        float[] row = {2f, -1f, 4f, -2f, 3f};
        Penalties.apply(row, 5, params, promptAndGenerated, generated);
        // token 0: prompt only -> 2 / 2 = 1, no presence/frequency
        // token 1: prompt + generated once -> -1 * 2 - 0.5 - 0.25 = -2.75
        // token 2: generated twice -> 4 / 2 - 0.5 - 0.5 = 1
        // token 3: generated once -> -2 * 2 - 0.5 - 0.25 = -4.75
        // token 4: never seen -> 3
        assertArrayEquals(new float[]{1f, -2.75f, 1f, -4.75f, 3f}, row, 1e-6f);
    }

    @Test
    void greedyAppliesPenaltiesAndRecordsItsTokens() {
        float[] logits = {5f, 4f, 0f};
        // frequency penalty 2 over generated tokens: 0 (5 > 4), then 1 (3 < 4), then 0 (3 > 2), then 1 (1 < 2)
        Sampler sampler = new Sampler(new SamplingParams(0, 1, -1, 0, null, 0, 2, 1, -1), new int[0]);
        int[] ids = new int[4];
        for (int i = 0; i < 4; i++) {
            ids[i] = sampler.sample(logits, 0, 3).id();
        }
        assertArrayEquals(new int[]{0, 1, 0, 1}, ids);
        // repetition penalty 3 over the prompt: 5/3 < 4, so token 1 wins without having been generated
        Sampler repeating = new Sampler(new SamplingParams(0, 1, -1, 0, null, 0, 0, 3, -1), new int[]{0});
        assertEquals(1, repeating.sample(logits, 0, 3).id());
    }

    @Test
    void tinyRepetitionPenaltyStaysFinite() {
        Sampler sampler = new Sampler(new SamplingParams(1, 1, -1, 0, 3L, 0, 0, 1e-300, -1), new int[]{0});
        float[] logits = {5f, 4f, 0f};
        assertEquals(0, sampler.sample(logits, 0, 3).id());
    }

    @Test
    void rejectsBadRows() {
        Sampler sampler = new Sampler(SamplingParams.GREEDY, new int[0]);
        NonFiniteLogitsException nan = assertThrows(NonFiniteLogitsException.class,
                () -> sampler.sample(new float[]{0f, Float.NaN}, 0, 2));
        assertTrue(nan.getMessage().contains("token 1"), nan.getMessage());
        assertThrows(NonFiniteLogitsException.class, () -> sampler.sample(new float[]{Float.POSITIVE_INFINITY, 0f}, 0, 2));
        IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                () -> sampler.sample(new float[4], 2, 3));
        assertFalse(outside instanceof NonFiniteLogitsException, "a bad row position is the caller's bug, not the model's");
        float[] masked = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        assertThrows(NonFiniteLogitsException.class, () -> sampler.sample(masked, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(SamplingParams.GREEDY, new int[]{-3}));
    }

    @Test
    void maskedTokensAreNeverDrawn() {
        float[] logits = {Float.NEGATIVE_INFINITY, 0f, Float.NEGATIVE_INFINITY, 0f};
        Sampler sampler = new Sampler(sampling(2, 1, -1, 9L), new int[0]);
        for (int i = 0; i < 2000; i++) {
            int id = sampler.sample(logits, 0, 4).id();
            assertTrue(id == 1 || id == 3, "drew masked token " + id);
        }
    }

    private static int[] draws(SamplingParams params, int steps) {
        float[] logits = randomLogits(77, VOCAB);
        Sampler sampler = new Sampler(params, new int[0]);
        int[] ids = new int[steps];
        for (int i = 0; i < steps; i++) {
            ids[i] = sampler.sample(logits, 0, VOCAB).id();
        }
        return ids;
    }

    private static void assertFrequencies(SamplingParams params, float[] logits, double[] expected) {
        int draws = 20_000;
        Sampler sampler = new Sampler(params, new int[0]);
        int[] counts = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(logits, 0, logits.length).id()]++;
        }
        for (int i = 0; i < logits.length; i++) {
            // 4 standard deviations of a binomial frequency at n = 20k is at most 0.0142
            assertEquals(expected[i], counts[i] / (double) draws, 0.015,
                    "token " + i + " of " + Arrays.toString(counts));
        }
    }

    private static double[] softmax(float[] logits, double temperature) {
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] / temperature);
            sum += p[i];
        }
        for (int i = 0; i < logits.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static double[] logSoftmax(float[] row, int offset, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, row[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(row[offset + i] - max);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = row[offset + i] - max - Math.log(sum);
        }
        return out;
    }
}
