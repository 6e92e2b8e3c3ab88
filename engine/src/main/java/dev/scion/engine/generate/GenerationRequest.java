package dev.scion.engine.generate;

import dev.scion.engine.sampling.SamplingParams;
import java.util.List;
import java.util.Set;

/**
 * What to generate for one sequence.
 *
 * @param promptIds the already-rendered, tokenized prompt
 * @param maxTokens most tokens to generate (the context length also bounds it)
 * @param stopStrings texts that end generation; the matched text is not returned (OpenAI semantics)
 * @param stopTokenIds extra token ids that end generation, besides the model's eos ids
 * @param ignoreEos keep generating past eos (benchmarks)
 */
public record GenerationRequest(
        int[] promptIds,
        SamplingParams sampling,
        int maxTokens,
        List<String> stopStrings,
        Set<Integer> stopTokenIds,
        boolean ignoreEos) {

    public GenerationRequest {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt must contain at least one token");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
        }
        stopStrings = List.copyOf(stopStrings);
        stopTokenIds = Set.copyOf(stopTokenIds);
    }

    public static GenerationRequest of(int[] promptIds, SamplingParams sampling, int maxTokens) {
        return new GenerationRequest(promptIds, sampling, maxTokens, List.of(), Set.of(), false);
    }
}
