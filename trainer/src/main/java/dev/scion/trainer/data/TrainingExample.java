package dev.scion.trainer.data;

import java.util.List;
import java.util.Objects;

/**
 * One conversation ready to train on: its tokens as the model's chat template renders them, and where the loss
 * applies. The arrays are shared, not copied (a dataset holds many); treat them as read-only.
 *
 * <p>{@code lossMask[i]} says token i is a training target. Shifting for next-token prediction is the trainer's
 * business: position i-1's logits are scored against token i where {@code lossMask[i]}, so a mask on token 0
 * (possible with trainOnPrompt) has no effect. OpenAI's per-message {@code weight} is 0 or 1, so it is folded into
 * the mask (a weight-0 turn is never a target) rather than carried as a separate weight array.
 *
 * @param sourceLine 1-based line of the data file the example came from
 * @param truncated  whether tokens beyond the maximum length were cut off its end
 * @param messages   the conversation the tokens were rendered from, e.g. for a replay store to keep
 */
public record TrainingExample(int[] tokens, boolean[] lossMask, int sourceLine, boolean truncated,
        List<ChatMessage> messages) {

    public TrainingExample {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(lossMask, "lossMask");
        if (tokens.length != lossMask.length) {
            throw new IllegalArgumentException(tokens.length + " tokens but a loss mask of " + lossMask.length);
        }
        messages = List.copyOf(messages);
    }

    /** How many tokens the loss applies to. */
    public int lossTokens() {
        int n = 0;
        for (boolean b : lossMask) {
            if (b) {
                n++;
            }
        }
        return n;
    }
}
