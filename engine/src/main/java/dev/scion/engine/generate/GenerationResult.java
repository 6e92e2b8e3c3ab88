package dev.scion.engine.generate;

import dev.scion.engine.sampling.SampledToken;
import java.util.List;

/**
 * A finished sequence with its usage.
 *
 * @param tokenIds generated ids (excluding the prompt; including a final eos/stop token if one was sampled)
 * @param text the generated text, stop string excluded, special tokens skipped; empty without a tokenizer
 * @param error why the sequence failed when {@code finishReason} is {@link FinishReason#ERROR}, else null
 */
public record GenerationResult(int[] tokenIds, String text, FinishReason finishReason, int promptTokens,
        List<SampledToken> samples, SequenceError error) {

    public GenerationResult {
        if ((finishReason == FinishReason.ERROR) != (error != null)) {
            throw new IllegalArgumentException("a result carries an error exactly when it finished with ERROR");
        }
    }

    /** A result that did not fail. */
    public GenerationResult(int[] tokenIds, String text, FinishReason finishReason, int promptTokens,
            List<SampledToken> samples) {
        this(tokenIds, text, finishReason, promptTokens, samples, null);
    }

    public int completionTokens() {
        return tokenIds.length;
    }

    public int totalTokens() {
        return promptTokens + tokenIds.length;
    }
}
