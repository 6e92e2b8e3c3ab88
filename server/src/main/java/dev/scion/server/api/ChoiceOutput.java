package dev.scion.server.api;

import dev.scion.engine.generate.FinishReason;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.engine.sampling.SampledToken;
import dev.scion.server.api.toolcalls.ToolCall;
import dev.scion.server.api.toolcalls.ToolCallOutput;
import java.util.List;

/**
 * One finished choice of a non-streamed response.
 *
 * @param text         the generated text; for completions with {@code echo}, already prefixed with the prompt text;
 *                     for chat, the content outside tool calls, null when there is none beside them
 * @param finishReason "stop", "length" or (chat) "tool_calls" (a cancelled sequence has no response to go into)
 * @param logprobs     one entry per generated token, or null when log-probabilities were not requested
 * @param toolCalls    the calls parsed from a chat output, empty when none
 */
public record ChoiceOutput(int index, String text, String finishReason, List<SampledToken> logprobs,
                           List<ToolCall> toolCalls) {

    public ChoiceOutput {
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative, got " + index);
        }
        OpenAiJson.requireFinishReason(finishReason);
        logprobs = logprobs == null ? null : List.copyOf(logprobs);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public ChoiceOutput(int index, String text, String finishReason, List<SampledToken> logprobs) {
        this(index, text, finishReason, logprobs, List.of());
    }

    /** A choice from an engine result; {@code withLogprobs} says whether the request asked for them. */
    public static ChoiceOutput of(int index, String text, GenerationResult result, boolean withLogprobs) {
        return new ChoiceOutput(index, text, finishReason(result.finishReason()),
                withLogprobs ? result.samples() : null);
    }

    /**
     * A chat choice whose output was split into content and calls: finished by its calls ("tool_calls") when it
     * stopped on its own; a choice cut at max_tokens stays "length", as vLLM reports it.
     */
    public static ChoiceOutput withCalls(int index, ToolCallOutput output, GenerationResult result,
                                         boolean withLogprobs) {
        String reason = finishReason(result.finishReason());
        return new ChoiceOutput(index, output.content(), toolCallsFinish(reason, !output.calls().isEmpty()),
                withLogprobs ? result.samples() : null, output.calls());
    }

    /** "tool_calls" for a choice that stopped after making calls, else the engine's reason. */
    public static String toolCallsFinish(String reason, boolean called) {
        return called && reason.equals("stop") ? "tool_calls" : reason;
    }

    /** OpenAI's finish_reason for an engine one; CANCELLED has none, since nobody receives that response. */
    public static String finishReason(FinishReason reason) {
        if (reason == FinishReason.CANCELLED) {
            throw new IllegalArgumentException("a cancelled sequence has no OpenAI finish_reason");
        }
        return reason.openAiName();
    }
}
