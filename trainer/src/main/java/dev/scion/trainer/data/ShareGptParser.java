package dev.scion.trainer.data;

import static dev.scion.trainer.data.JsonFields.optionalString;
import static dev.scion.trainer.data.JsonFields.requireObject;
import static dev.scion.trainer.data.JsonFields.requiredArray;
import static dev.scion.trainer.data.JsonFields.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * ShareGPT lines: {@code conversations} of {@code {"from", "value"}} turns, where {@code from} is human or user,
 * gpt or assistant, or system; an optional top-level {@code system} string comes first. Other speakers (tool
 * observations, function calls) are refused by name rather than guessed at.
 */
final class ShareGptParser implements ExampleParser {

    @Override
    public List<ChatMessage> parse(JsonNode line) throws BadLineException {
        List<ChatMessage> messages = new ArrayList<>();
        String system = optionalString(line, "system", "system");
        if (!system.isEmpty()) {
            messages.add(ChatMessage.system(system));
        }
        JsonNode turns = requiredArray(line, "conversations", "conversations");
        if (turns.isEmpty()) {
            throw new BadLineException("conversations", "empty conversation");
        }
        for (int i = 0; i < turns.size(); i++) {
            JsonNode turn = turns.get(i);
            String path = "conversations[" + i + "]";
            requireObject(turn, path);
            Role role = role(requiredString(turn, "from", path + ".from"), path + ".from");
            String value = requiredString(turn, "value", path + ".value");
            if (role == Role.ASSISTANT && value.isBlank()) {
                throw new BadLineException(path + ".value", "empty answer");
            }
            messages.add(new ChatMessage(role, value, role == Role.ASSISTANT));
        }
        return ExampleParser.requireSomethingToLearn(messages, "conversations");
    }

    private static Role role(String from, String path) throws BadLineException {
        return switch (from) {
            case "human", "user" -> Role.USER;
            case "gpt", "assistant" -> Role.ASSISTANT;
            case "system" -> Role.SYSTEM;
            default -> throw new BadLineException(path, "unknown speaker '" + from
                    + "' (expected human, user, gpt, assistant or system)");
        };
    }
}
