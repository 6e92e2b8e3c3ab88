package dev.scion.server.api;

import dev.scion.engine.generate.FinishReason;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.engine.sampling.SampledToken;
import java.util.List;

/**
 * One finished choice of a non-streamed response.
 *
 * @param text         the generated text; for completions with {@code echo}, already prefixed with the prompt text
 * @param finishReason "stop" or "length" (a cancelled sequence has no response to go into)
 * @param logprobs     one entry per generated token, or null when log-probabilities were not requested
 */
public record ChoiceOutput(int index, String text, String finishReason, List<SampledToken> logprobs) {

    public ChoiceOutput {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative, got " + index);
        }
        OpenAiJson.requireFinishReason(finishReason);
        logprobs = logprobs == null ? null : List.copyOf(logprobs);
    }

    /** A choice from an engine result; {@code withLogprobs} says whether the request asked for them. */
    public static ChoiceOutput of(int index, String text, GenerationResult result, boolean withLogprobs) {
        return new ChoiceOutput(index, text, finishReason(result.finishReason()),
                withLogprobs ? result.samples() : null);
    }

    /** OpenAI's finish_reason for an engine one; CANCELLED has none, since nobody receives that response. */
    public static String finishReason(FinishReason reason) {
        if (reason == FinishReason.CANCELLED) {
            throw new IllegalArgumentException("a cancelled sequence has no OpenAI finish_reason");
        }
        return reason.openAiName();
    }
}
