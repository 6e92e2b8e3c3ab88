package dev.scion.engine.generate;

import dev.scion.engine.sampling.SampledToken;
import java.util.List;

/**
 * A finished sequence with its usage.
 *
 * @param tokenIds generated ids (excluding the prompt; including a final eos/stop token if one was sampled)
 * @param text the generated text, stop string excluded, special tokens skipped; empty without a tokenizer
 */
public record GenerationResult(
        int[] tokenIds, String text, FinishReason finishReason, int promptTokens, List<SampledToken> samples) {

    public int completionTokens() {
        return tokenIds.length;
    }

    public int totalTokens() {
        return promptTokens + tokenIds.length;
    }
}
