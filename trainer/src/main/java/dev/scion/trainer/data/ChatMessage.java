package dev.scion.trainer.data;

import java.util.Map;
import java.util.Objects;

/**
 * One turn of a training conversation, whatever file format it came from.
 *
 * @param trained for an assistant turn, whether the loss applies to it (OpenAI's {@code weight}: 1 is true, 0 is
 *                false); always false for system and user turns, whose tokens are trained only with trainOnPrompt
 */
public record ChatMessage(Role role, String content, boolean trained) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        if (trained && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only assistant messages carry a training weight, not " + role);
        }
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

    /** The message as the chat template receives it: the same shape the server builds from a request. */
    public Map<String, Object> toTemplateMessage() {
        return Map.of("role", role.wireName(), "content", content);
    }
}
