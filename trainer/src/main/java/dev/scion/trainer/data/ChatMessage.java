package dev.scion.trainer.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One turn of a training conversation, whatever file format it came from.
 *
 * <p>Tool use has the shape the server hands the chat template for a request, so training renders exactly the
 * prompt that will be served: an assistant turn's {@code toolCalls} are {@code {"id", "type": "function",
 * "function": {"name", "arguments"}}} with {@code arguments} an object (parsed from OpenAI's JSON string), its
 * content "" when it only calls tools; a tool turn names the call it answers in {@code toolCallId}.
 *
 * <p>The conversation's tool definitions ({@code tools}, OpenAI's {@code {"type": "function", "function": {...}}}
 * objects) are a property of the whole conversation, carried by its first message so that everything which holds
 * a conversation as a {@code List<ChatMessage>} (datasets, replay, round history) keeps them; see
 * {@link #toolsOf(List)}. Every other message has none.
 *
 * @param trained    for an assistant turn, whether the loss applies to it (OpenAI's {@code weight}: 1 is true, 0 is
 *                   false), tool calls included; always false for system, user and tool turns, whose tokens are
 *                   trained only with trainOnPrompt
 * @param toolCalls  an assistant turn's calls in template shape, empty for none (and for every other role)
 * @param toolCallId a tool turn's call id, null for every other role
 * @param tools      on the first message only: the tools the conversation offers, empty for none
 */
public record ChatMessage(Role role, String content, boolean trained, List<Map<String, Object>> toolCalls,
        String toolCallId, List<Map<String, Object>> tools) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = List.copyOf(toolCalls);
        tools = List.copyOf(tools);
        if (trained && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only assistant messages carry a training weight, not " + role);
        }
        if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only assistant messages make tool calls, not " + role);
        }
        if ((toolCallId != null) != (role == Role.TOOL)) {
            throw new IllegalArgumentException(role == Role.TOOL ? "a tool message needs the id of the call it answers"
                    : "only tool messages carry a tool_call_id, not " + role);
        }
    }

    public ChatMessage(Role role, String content, boolean trained) {
        this(role, content, trained, List.of(), null, List.of());
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content, false);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content, false);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content, true);
    }

    public static ChatMessage assistant(String content, boolean trained) {
        return new ChatMessage(Role.ASSISTANT, content, trained);
    }

    /** An assistant turn calling tools, with the text it writes beside them ("" for none). */
    public static ChatMessage toolCalls(String content, List<Map<String, Object>> calls, boolean trained) {
        return new ChatMessage(Role.ASSISTANT, content, trained, calls, null, List.of());
    }

    /** A tool's result for the call {@code toolCallId}. */
    public static ChatMessage tool(String toolCallId, String content) {
        return new ChatMessage(Role.TOOL, content, false, List.of(), Objects.requireNonNull(toolCallId), List.of());
    }

    /** This message carrying the conversation's tool definitions (meant for the first message). */
    public ChatMessage withTools(List<Map<String, Object>> definitions) {
        return new ChatMessage(role, content, trained, toolCalls, toolCallId, definitions);
    }

    /** Whether an assistant turn says nothing at all: no text and no call. */
    public boolean isEmptyAnswer() {
        return role == Role.ASSISTANT && content.isBlank() && toolCalls.isEmpty();
    }

    /** The tools a conversation offers (its first message's), empty for none. */
    public static List<Map<String, Object>> toolsOf(List<ChatMessage> conversation) {
        return conversation.isEmpty() ? List.of() : conversation.get(0).tools();
    }

    /**
     * The message as the chat template receives it: the same map the server builds from a request's message
     * ({@code role}, {@code content}, then {@code tool_calls} or {@code tool_call_id} where there are any).
     */
    public Map<String, Object> toTemplateMessage() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", role.wireName());
        out.put("content", content);
        if (!toolCalls.isEmpty()) {
            out.put("tool_calls", toolCalls);
        }
        if (toolCallId != null) {
            out.put("tool_call_id", toolCallId);
        }
        return Collections.unmodifiableMap(out);
    }
}
