package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.engine.sampling.SamplingParams;
import dev.scion.server.errors.InvalidRequestException;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code POST /v1/chat/completions} body.
 *
 * @param messages           template-ready messages (see {@link ChatMessages}): role, content string or null, ...
 * @param toolUse            tools, tool_choice and parallel_tool_calls (see {@link ChatTools})
 * @param maxTokens          max_completion_tokens, else max_tokens, else null (the server decides)
 * @param logprobs           whether choices carry log-probabilities; the count of alternatives is
 *                           {@code sampling.topLogprobs()}
 * @param chatTemplateKwargs extra template variables (e.g. enable_thinking), never null
 * @param constraint         the structure the output must have (response_format, guided_*), or null for free text
 */
public record ChatCompletionRequest(String model, List<Map<String, Object>> messages, ChatTools toolUse,
                                    boolean stream, boolean includeUsage, int n, SamplingParams sampling,
                                    Integer maxTokens, List<String> stop, boolean logprobs, String user,
                                    Map<String, Object> chatTemplateKwargs, OutputConstraint constraint) {

    public static ChatCompletionRequest parse(JsonNode body) {
        Fields.requireObjectBody(body);
        boolean logprobs = Fields.bool(body, "logprobs", false);
        Integer topLogprobs = Fields.optionalInt(body, "top_logprobs", "top_logprobs", 0,
                SamplingParams.MAX_TOP_LOGPROBS);
        if (topLogprobs != null && !logprobs) {
            throw new InvalidRequestException("top_logprobs requires logprobs to be true", "top_logprobs");
        }
        int alternatives = topLogprobs == null ? 0 : topLogprobs;
        GenerationFields common = GenerationFields.parse(body, logprobs ? alternatives : -1);
        List<Map<String, Object>> messages = ChatMessages.parse(body);
        refuseUnsupported(body);
        ChatTools tools = ChatTools.parse(body);
        return new ChatCompletionRequest(common.model(), messages, tools, common.stream(), common.includeUsage(),
                common.n(), common.sampling(), maxTokens(body), common.stop(), logprobs, common.user(),
                ChatMessages.templateKwargs(body), constraint(body, tools));
    }

    /** The output's constraint: a forced tool call, or what response_format / guided_* ask for. */
    private static OutputConstraint constraint(JsonNode body, ChatTools tools) {
        OutputConstraint asked = OutputConstraints.parse(body);
        if (!tools.forcesCall()) {
            return asked;
        }
        if (asked != null) {
            throw new InvalidRequestException("tool_choice forcing a call cannot be combined with " + asked.param()
                    + ": the output is the call", asked.param());
        }
        return ForcedToolCall.constraint(tools);
    }

    private static Integer maxTokens(JsonNode body) {
        Integer maxCompletionTokens = Fields.optionalInt(body, "max_completion_tokens", "max_completion_tokens", 1,
                Integer.MAX_VALUE);
        Integer maxTokens = Fields.optionalInt(body, "max_tokens", "max_tokens", 1, Integer.MAX_VALUE);
        return maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
    }

    /** The tools for the chat template, or null when the request has none. */
    public List<Map<String, Object>> tools() {
        return toolUse.tools();
    }

    private static void refuseUnsupported(JsonNode body) {
        JsonNode functions = Fields.optionalArray(body, "functions", "functions");
        if (functions != null && !functions.isEmpty()) {
            throw new InvalidRequestException("functions is not supported; pass them as tools", "functions");
        }
        JsonNode modalities = Fields.optionalArray(body, "modalities", "modalities");
        if (modalities != null) {
            for (JsonNode modality : modalities) {
                if (!"text".equals(modality.textValue())) {
                    throw new InvalidRequestException("only the text modality is supported", "modalities");
                }
            }
        }
        GenerationFields.refuseIfPresent(body, "audio", ": Scion generates text only");
        GenerationFields.refuseIfPresent(body, "web_search_options", "");
    }
}
