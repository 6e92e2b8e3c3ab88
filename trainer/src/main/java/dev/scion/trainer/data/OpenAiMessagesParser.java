package dev.scion.trainer.data;

import static dev.scion.trainer.data.JsonFields.kind;
import static dev.scion.trainer.data.JsonFields.refuse;
import static dev.scion.trainer.data.JsonFields.requireObject;
import static dev.scion.trainer.data.JsonFields.requiredArray;
import static dev.scion.trainer.data.JsonFields.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI chat fine-tuning lines: {@code messages} of {@code {"role", "content", "weight"?}} with roles system, user
 * and assistant. {@code weight} (0 or 1, default 1) is allowed on assistant messages only, as OpenAI specifies; 0
 * keeps the turn in the prompt but out of the loss. Tool calls and tool definitions are refused: training on them
 * without rendering them would teach a different prompt than the one served.
 */
final class OpenAiMessagesParser implements ExampleParser {

    @Override
    public List<ChatMessage> parse(JsonNode line) throws BadLineException {
        refuse(line, "tools", "tools", "tool definitions are not supported in training data");
        refuse(line, "functions", "functions", "function definitions are not supported in training data");
        JsonNode array = requiredArray(line, "messages", "messages");
        if (array.isEmpty()) {
            throw new BadLineException("messages", "empty conversation");
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode message = array.get(i);
            String path = "messages[" + i + "]";
            requireObject(message, path);
            Role role = role(requiredString(message, "role", path + ".role"), path + ".role");
            refuse(message, "tool_calls", path + ".tool_calls", "tool calls are not supported in training data");
            refuse(message, "function_call", path + ".function_call",
                    "function calls are not supported in training data");
            String content = requiredString(message, "content", path + ".content");
            boolean trained = weight(message.get("weight"), role, path + ".weight");
            if (role == Role.ASSISTANT && content.isBlank()) {
                throw new BadLineException(path + ".content", "empty answer");
            }
            messages.add(new ChatMessage(role, content, trained));
        }
        return ExampleParser.requireSomethingToLearn(messages, "messages");
    }

    private static Role role(String role, String path) throws BadLineException {
        return switch (role) {
            case "system" -> Role.SYSTEM;
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            default -> throw new BadLineException(path, "unknown role '" + role
                    + "' (expected system, user or assistant)");
        };
    }

    private static boolean weight(JsonNode weight, Role role, String path) throws BadLineException {
        if (weight == null || weight.isNull()) {
            return role == Role.ASSISTANT;
        }
        if (role != Role.ASSISTANT) {
            throw new BadLineException(path, "weight is only allowed on assistant messages");
        }
        if (!weight.isNumber()) {
            throw new BadLineException(path, "must be 0 or 1, not " + kind(weight));
        }
        double value = weight.doubleValue();
        if (value != 0 && value != 1) {
            throw new BadLineException(path, "must be 0 or 1, not " + weight.asText());
        }
        return value == 1;
    }
}
