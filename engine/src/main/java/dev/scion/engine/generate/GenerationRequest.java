package dev.scion.engine.generate;

import dev.scion.engine.constrain.Constraint;
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
 * @param ignoreEos keep generating past eos (benchmarks); a constrained sequence still ends at eos once its
 *     document is complete, since nothing else may follow it
 * @param constraint what the output must be ({@link Constraint#NONE} for free text); a constrained output cut by
 *     {@code maxTokens} ends with {@link FinishReason#LENGTH}, possibly incomplete, as any other
 */
public record GenerationRequest(
        int[] promptIds,
        SamplingParams sampling,
        int maxTokens,
        List<String> stopStrings,
        Set<Integer> stopTokenIds,
        boolean ignoreEos,
        Constraint constraint) {

    public GenerationRequest {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt must contain at least one token");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
        }
        stopStrings = List.copyOf(stopStrings);
        stopTokenIds = Set.copyOf(stopTokenIds);
        if (constraint == null) {
            throw new NullPointerException("constraint: use Constraint.NONE for free generation");
        }
    }

    public GenerationRequest(int[] promptIds, SamplingParams sampling, int maxTokens, List<String> stopStrings,
            Set<Integer> stopTokenIds, boolean ignoreEos) {
        this(promptIds, sampling, maxTokens, stopStrings, stopTokenIds, ignoreEos, Constraint.NONE);
    }

    public GenerationRequest withConstraint(Constraint newConstraint) {
        return new GenerationRequest(promptIds, sampling, maxTokens, stopStrings, stopTokenIds, ignoreEos,
                newConstraint);
    }

    public static GenerationRequest of(int[] promptIds, SamplingParams sampling, int maxTokens) {
        return new GenerationRequest(promptIds, sampling, maxTokens, List.of(), Set.of(), false);
    }
}
