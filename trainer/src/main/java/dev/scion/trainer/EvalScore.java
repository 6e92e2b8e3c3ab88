package dev.scion.trainer;

/**
 * An adapter's score on a set of examples.
 *
 * @param loss mean token loss over the examples' trained tokens
 * @param accuracy share of examples whose greedy answer equals the reference exactly; NaN when some answer is
 *     too long for exact match to be meaningful (over {@link Evaluation#SHORT_ANSWER_TOKENS} tokens)
 */
public record EvalScore(int examples, int tokens, double loss, double accuracy, int exactMatches) {}
