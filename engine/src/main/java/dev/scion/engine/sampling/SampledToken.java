package dev.scion.engine.sampling;

/**
 * One drawn token with its log-probabilities under the model's raw distribution.
 *
 * @param id          the chosen token
 * @param logprob     log_softmax of the unmodified logits at {@code id}; NaN when logprobs were not
 *                    asked for ({@code topLogprobs} -1)
 * @param topIds      (n) the n most likely tokens of the raw distribution, most likely first; empty
 *                    when no alternatives were asked for
 * @param topLogprobs (n) their log-probabilities, in the same order
 */
public record SampledToken(int id, float logprob, int[] topIds, float[] topLogprobs) {
    public SampledToken {
        if (topIds.length != topLogprobs.length) {
            throw new IllegalArgumentException("topIds has " + topIds.length + " entries but topLogprobs has "
                    + topLogprobs.length);
        }
    }
}
