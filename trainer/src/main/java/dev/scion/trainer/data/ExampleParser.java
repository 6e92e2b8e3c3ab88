package dev.scion.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Turns one JSON line of a given format into the conversation it describes. */
interface ExampleParser {

    /** @param line a JSON object (the loader checks that) */
    List<ChatMessage> parse(JsonNode line) throws BadLineException;

    static ExampleParser of(DatasetFormat format) {
        return switch (format) {
            case ALPACA -> new AlpacaParser();
            case SHAREGPT -> new ShareGptParser();
            case OPENAI_MESSAGES -> new OpenAiMessagesParser();
            case AUTO -> throw new IllegalArgumentException("AUTO is resolved to a concrete format before parsing");
        };
    }

    /**
     * The check every format shares once its messages are built: at least one assistant turn the loss applies to.
     * Empty answers are caught by each parser, which knows the field they came from.
     */
    static List<ChatMessage> requireSomethingToLearn(List<ChatMessage> messages, String path)
            throws BadLineException {
        if (messages.stream().noneMatch(ChatMessage::trained)) {
            throw new BadLineException(path, messages.stream().anyMatch(m -> m.role() == Role.ASSISTANT)
                    ? "every assistant message has weight 0: nothing to learn"
                    : "no assistant message: nothing to learn");
        }
        return List.copyOf(messages);
    }
}
