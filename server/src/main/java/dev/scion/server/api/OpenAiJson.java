package dev.scion.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.sampling.SampledToken;
import dev.scion.server.api.toolcalls.ToolCall;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntFunction;

/**
 * Response bodies in OpenAI's shapes (schemas CreateChatCompletionResponse, CreateChatCompletionStreamResponse,
 * CreateCompletionResponse, ListModelsResponse of OpenAI's OpenAPI document), plus vLLM's tokenize/detokenize.
 * Keys the schemas require are always present, null where they have no value (e.g. {@code logprobs},
 * {@code message.refusal}). {@code tokenText} turns a token id into its text piece for log-probabilities.
 */
public final class OpenAiJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private OpenAiJson() {}

    /** "chatcmpl-" or "cmpl-" plus 128 random bits in hex: unique, not secret. */
    public static String newId(String prefix) {
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        return prefix + HexFormat.of().formatHex(random);
    }

    public static ObjectNode chatCompletion(String id, long created, String model, List<ChoiceOutput> choices,
                                            Usage usage, IntFunction<String> tokenText) {
        ObjectNode root = header(id, "chat.completion", created, model);
        ArrayNode array = root.putArray("choices");
        for (ChoiceOutput choice : choices) {
            ObjectNode c = array.addObject();
            c.put("index", choice.index());
            ObjectNode message = c.putObject("message");
            message.put("role", "assistant");
            message.put("content", choice.text());
            message.putNull("refusal");
            if (!choice.toolCalls().isEmpty()) {
                ArrayNode calls = message.putArray("tool_calls");
                for (ToolCall call : choice.toolCalls()) {
                    ObjectNode c2 = calls.addObject();
                    c2.put("id", call.id());
                    c2.put("type", "function");
                    c2.putObject("function").put("name", call.name()).put("arguments", call.arguments());
                }
            }
            c.set("logprobs", choice.logprobs() == null ? JSON.nullNode()
                    : LogprobsJson.chat(choice.logprobs(), tokenText));
            c.put("finish_reason", choice.finishReason());
        }
        root.set("usage", usage(usage));
        return root;
    }

    /**
     * One streamed chat chunk for one choice.
     *
     * @param role         "assistant" on a choice's first chunk, else null (left out of the delta)
     * @param contentDelta new text, or null to leave {@code content} out of the delta (the final chunk)
     * @param logprobs     the tokens behind this chunk when log-probabilities were requested, else null
     * @param finishReason "stop"/"length"/"tool_calls" on a choice's last chunk, else null
     */
    public static ObjectNode chatChunk(String id, long created, String model, int index, String role,
                                       String contentDelta, List<SampledToken> logprobs, String finishReason,
                                       IntFunction<String> tokenText) {
        if (finishReason != null) {
            requireFinishReason(finishReason);
        }
        ObjectNode root = header(id, "chat.completion.chunk", created, model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", index);
        ObjectNode delta = choice.putObject("delta");
        if (role != null) {
            delta.put("role", role);
        }
        if (contentDelta != null) {
            delta.put("content", contentDelta);
        }
        choice.set("logprobs", logprobs == null ? JSON.nullNode() : LogprobsJson.chat(logprobs, tokenText));
        choice.put("finish_reason", finishReason);
        return root;
    }

    /**
     * The chunks that stream one tool call as OpenAI streams them: the first carries the call's {@code index},
     * {@code id}, {@code type}, {@code function.name} and empty {@code arguments}, the second the arguments.
     *
     * @param callIndex the call's place among this choice's calls
     */
    public static List<ObjectNode> toolCallChunks(String id, long created, String model, int index, int callIndex,
                                                  ToolCall call) {
        ObjectNode opening = chatChunk(id, created, model, index, null, null, null, null, t -> "");
        ObjectNode first = toolCallDelta(opening, callIndex);
        first.put("id", call.id());
        first.put("type", "function");
        first.putObject("function").put("name", call.name()).put("arguments", "");
        ObjectNode arguments = chatChunk(id, created, model, index, null, null, null, null, t -> "");
        toolCallDelta(arguments, callIndex).putObject("function").put("arguments", call.arguments());
        return List.of(opening, arguments);
    }

    private static ObjectNode toolCallDelta(ObjectNode chunk, int callIndex) {
        ObjectNode delta = (ObjectNode) chunk.path("choices").path(0).path("delta");
        ObjectNode call = delta.putArray("tool_calls").addObject();
        call.put("index", callIndex);
        return call;
    }

    /**
     * The chunk {@code stream_options.include_usage} adds before {@code [DONE]}: no choices, the request's usage.
     * Other chunks leave {@code usage} out: OpenAI's schema gives it as a $ref, which a validator may not let be null.
     */
    public static ObjectNode usageChunk(String id, long created, String model, Usage usage) {
        ObjectNode root = header(id, "chat.completion.chunk", created, model);
        root.putArray("choices");
        root.set("usage", usage(usage));
        return root;
    }

    public static ObjectNode completion(String id, long created, String model, List<ChoiceOutput> choices,
                                        Usage usage, IntFunction<String> tokenText) {
        ObjectNode root = header(id, "text_completion", created, model);
        ArrayNode array = root.putArray("choices");
        for (ChoiceOutput choice : choices) {
            completionChoice(array, choice.index(), choice.text(), choice.logprobs(), 0, choice.finishReason(),
                    tokenText);
        }
        root.set("usage", usage(usage));
        return root;
    }

    /**
     * One streamed completions chunk for one choice (same object as the non-streamed response, as OpenAI streams).
     *
     * @param textOffset   code points of this choice's text sent before this chunk (for {@code text_offset})
     * @param finishReason "stop"/"length" on the choice's last chunk, else null as OpenAI sends mid-stream
     */
    public static ObjectNode completionChunk(String id, long created, String model, int index, String textDelta,
                                             List<SampledToken> logprobs, int textOffset, String finishReason,
                                             IntFunction<String> tokenText) {
        if (finishReason != null) {
            requireFinishReason(finishReason);
        }
        ObjectNode root = header(id, "text_completion", created, model);
        completionChoice(root.putArray("choices"), index, textDelta, logprobs, textOffset, finishReason, tokenText);
        return root;
    }

    /** The completions counterpart of {@link #usageChunk}. */
    public static ObjectNode completionUsageChunk(String id, long created, String model, Usage usage) {
        ObjectNode root = header(id, "text_completion", created, model);
        root.putArray("choices");
        root.set("usage", usage(usage));
        return root;
    }

    public static ObjectNode modelList(List<ModelCard> models) {
        ObjectNode root = JSON.objectNode();
        root.put("object", "list");
        ArrayNode data = root.putArray("data");
        models.forEach(card -> data.add(modelCard(card)));
        return root;
    }

    /** One model, as {@code GET /v1/models/{model}} answers and each entry of the list. */
    public static ObjectNode modelCard(ModelCard card) {
        ObjectNode m = JSON.objectNode();
        m.put("id", card.id());
        m.put("object", "model");
        m.put("created", card.created());
        m.put("owned_by", card.ownedBy());
        m.put("root", card.root());
        m.put("parent", card.parent());
        m.put("max_model_len", card.maxModelLen());
        return m;
    }

    /** @param tokenStrs each token's vocabulary string (vLLM's {@code return_token_strs}), or null */
    public static ObjectNode tokenizeResponse(int[] tokens, int maxModelLen, List<String> tokenStrs) {
        ObjectNode root = JSON.objectNode();
        root.put("count", tokens.length);
        root.put("max_model_len", maxModelLen);
        ArrayNode array = root.putArray("tokens");
        for (int token : tokens) {
            array.add(token);
        }
        if (tokenStrs != null) {
            ArrayNode strs = root.putArray("token_strs");
            tokenStrs.forEach(strs::add);
        }
        return root;
    }

    public static ObjectNode detokenizeResponse(String prompt) {
        ObjectNode root = JSON.objectNode();
        root.put("prompt", prompt);
        return root;
    }

    static void requireFinishReason(String finishReason) {
        if (!"stop".equals(finishReason) && !"length".equals(finishReason) && !"tool_calls".equals(finishReason)) {
            throw new IllegalArgumentException("finish_reason must be \"stop\", \"length\" or \"tool_calls\", got "
                    + finishReason);
        }
    }

    private static void completionChoice(ArrayNode choices, int index, String text, List<SampledToken> logprobs,
                                         int textOffset, String finishReason, IntFunction<String> tokenText) {
        ObjectNode c = choices.addObject();
        c.put("index", index);
        c.put("text", text);
        c.set("logprobs", logprobs == null ? JSON.nullNode()
                : LogprobsJson.completion(logprobs, textOffset, tokenText));
        c.put("finish_reason", finishReason);
    }

    private static ObjectNode header(String id, String object, long created, String model) {
        ObjectNode root = JSON.objectNode();
        root.put("id", id);
        root.put("object", object);
        root.put("created", created);
        root.put("model", model);
        return root;
    }

    private static ObjectNode usage(Usage usage) {
        ObjectNode u = JSON.objectNode();
        u.put("prompt_tokens", usage.promptTokens());
        u.put("completion_tokens", usage.completionTokens());
        u.put("total_tokens", usage.totalTokens());
        return u;
    }
}
