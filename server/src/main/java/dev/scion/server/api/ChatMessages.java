package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.errors.InvalidRequestException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates OpenAI chat messages and turns them into the plain maps a Hugging Face chat template reads:
 * {@code role} (with "developer" as "system", which templates know), {@code content} as one string (text parts
 * joined; "" for an assistant message with only tool calls), {@code tool_calls} with each call's
 * {@code function.arguments} parsed from its JSON string (see {@link ToolCallMessages}), and {@code name},
 * {@code tool_call_id}, {@code reasoning_content} as given.
 * Other keys are dropped, as OpenAI ignores unknown fields.
 */
final class ChatMessages {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    /** Joined like vLLM joins text parts, so prompts render the same under both servers. */
    private static final String PART_SEPARATOR = "\n";

    private ChatMessages() {}

    static List<Map<String, Object>> parse(JsonNode body) {
        JsonNode messages = Fields.value(body, "messages");
        if (messages == null) {
            throw new InvalidRequestException("messages is required", "messages");
        }
        if (!messages.isArray()) {
            throw new InvalidRequestException("messages must be an array", "messages");
        }
        if (messages.isEmpty()) {
            throw new InvalidRequestException("messages must contain at least one message", "messages");
        }
        List<Map<String, Object>> parsed = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            parsed.add(message(messages.get(i), "messages[" + i + "]"));
        }
        return List.copyOf(parsed);
    }

    private static Map<String, Object> message(JsonNode message, String path) {
        if (!message.isObject()) {
            throw new InvalidRequestException(path + " must be an object", path);
        }
        String role = Fields.requiredString(message, "role", path + ".role");
        if (!ROLES.contains(role)) {
            throw new InvalidRequestException(path + ".role must be one of system, developer, user, assistant, tool;"
                    + " got '" + role + "'", path + ".role");
        }
        JsonNode toolCalls = Fields.optionalArray(message, "tool_calls", path + ".tool_calls");
        if (toolCalls != null && !role.equals("assistant")) {
            throw new InvalidRequestException(path + ".tool_calls is only allowed in assistant messages",
                    path + ".tool_calls");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", role.equals("developer") ? "system" : role);
        out.put("content", content(message, role, toolCalls != null, path + ".content"));
        String name = Fields.optionalString(message, "name", path + ".name");
        if (name != null) {
            out.put("name", name);
        }
        if (toolCalls != null) {
            out.put("tool_calls", ToolCallMessages.parse(toolCalls, path + ".tool_calls"));
        }
        String toolCallId = Fields.optionalString(message, "tool_call_id", path + ".tool_call_id");
        if (toolCallId == null && role.equals("tool")) {
            // as OpenAI: a tool result must say which call it answers
            throw new InvalidRequestException(path + ".tool_call_id is required in tool messages",
                    path + ".tool_call_id");
        }
        if (toolCallId != null) {
            out.put("tool_call_id", toolCallId);
        }
        String reasoning = Fields.optionalString(message, "reasoning_content", path + ".reasoning_content");
        if (reasoning != null) {
            out.put("reasoning_content", reasoning);
        }
        return out;
    }

    private static String content(JsonNode message, String role, boolean hasToolCalls, String param) {
        JsonNode content = Fields.value(message, "content");
        if (content == null) {
            if (role.equals("assistant") && hasToolCalls) {
                // as vLLM renders it: templates test and split the content (Qwen3: '</think>' in content), which
                // fails on None in transformers as in Scion
                return "";
            }
            throw new InvalidRequestException(param + " is required"
                    + (role.equals("assistant") ? " unless the message has tool_calls" : ""), param);
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (!content.isArray()) {
            throw new InvalidRequestException(param + " must be a string or an array of text parts", param);
        }
        List<String> texts = new ArrayList<>(content.size());
        for (int j = 0; j < content.size(); j++) {
            texts.add(textPart(content.get(j), param + "[" + j + "]"));
        }
        return String.join(PART_SEPARATOR, texts);
    }

    private static String textPart(JsonNode part, String path) {
        if (!part.isObject()) {
            throw new InvalidRequestException(path + " must be an object", path);
        }
        String type = Fields.requiredString(part, "type", path + ".type");
        if (!type.equals("text")) {
            throw new InvalidRequestException("content parts of type '" + type + "' are not supported; only 'text'",
                    path + ".type");
        }
        return Fields.requiredString(part, "text", path + ".text");
    }

    /** Variables the server sets itself; a client overriding them would bypass the validation above. */
    private static final Set<String> RESERVED_TEMPLATE_VARIABLES =
            Set.of("messages", "tools", "documents", "add_generation_prompt");

    /** chat_template_kwargs as plain Java values (e.g. enable_thinking), empty when absent. */
    static Map<String, Object> templateKwargs(JsonNode body) {
        JsonNode kwargs = Fields.optionalObject(body, "chat_template_kwargs", "chat_template_kwargs");
        if (kwargs == null) {
            return Map.of();
        }
        for (String reserved : RESERVED_TEMPLATE_VARIABLES) {
            if (kwargs.has(reserved)) {
                throw new InvalidRequestException("chat_template_kwargs may not set '" + reserved + "'",
                        "chat_template_kwargs." + reserved);
            }
        }
        return Fields.toMap(kwargs);
    }
}
