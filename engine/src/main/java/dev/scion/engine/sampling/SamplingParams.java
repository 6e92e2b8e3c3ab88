package dev.scion.engine.sampling;

/**
 * How one sequence picks its next tokens, with the ranges OpenAI and vLLM accept.
 *
 * @param temperature       0..2; 0 means greedy (always the most likely token after penalties)
 * @param topP              (0, 1]; 1 keeps every token
 * @param topK              -1 (off) or at least 1
 * @param minP              0..1; tokens less likely than {@code minP} times the most likely one are dropped
 * @param seed              per-sequence random seed, or null for a random one
 * @param presencePenalty   -2..2, subtracted once from every token already generated
 * @param frequencyPenalty  -2..2, subtracted per earlier occurrence among generated tokens
 * @param repetitionPenalty greater than 0; 1 is off; divides positive and multiplies negative
 *                          logits of tokens in the prompt or generated so far
 * @param topLogprobs       -1: no log-probabilities at all (OpenAI {@code logprobs: false}); 0..20: the
 *                          chosen token's log-probability plus that many alternatives
 */
public record SamplingParams(double temperature, double topP, int topK, double minP, Long seed,
                             double presencePenalty, double frequencyPenalty, double repetitionPenalty,
                             int topLogprobs) {

    public static final SamplingParams GREEDY = new SamplingParams(0, 1, -1, 0, null, 0, 0, 1, -1);

    public static final int MAX_TOP_LOGPROBS = 20;

    public SamplingParams {
        requireIn("temperature", temperature, 0, 2);
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (topK != -1 && topK < 1) {
            throw new IllegalArgumentException("top_k must be -1 (off) or at least 1, got " + topK);
        }
        requireIn("min_p", minP, 0, 1);
        requireIn("presence_penalty", presencePenalty, -2, 2);
        requireIn("frequency_penalty", frequencyPenalty, -2, 2);
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetition_penalty must be a finite number greater than 0, got "
                    + repetitionPenalty);
        }
        if (topLogprobs < -1 || topLogprobs > MAX_TOP_LOGPROBS) {
            throw new IllegalArgumentException("top_logprobs must be -1 (none) or in 0.." + MAX_TOP_LOGPROBS
                    + ", got " + topLogprobs);
        }
    }

    public boolean greedy() {
        return temperature == 0;
    }

    public SamplingParams withSeed(Long newSeed) {
        return new SamplingParams(temperature, topP, topK, minP, newSeed, presencePenalty, frequencyPenalty,
                repetitionPenalty, topLogprobs);
    }

    private static void requireIn(String field, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
