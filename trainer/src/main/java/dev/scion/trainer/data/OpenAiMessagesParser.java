package dev.scion.trainer.data;

import static dev.scion.trainer.data.JsonFields.kind;
import static dev.scion.trainer.data.JsonFields.optionalString;
import static dev.scion.trainer.data.JsonFields.refuse;
import static dev.scion.trainer.data.JsonFields.requireObject;
import static dev.scion.trainer.data.JsonFields.requiredArray;
import static dev.scion.trainer.data.JsonFields.requiredString;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat fine-tuning lines: {@code messages} of {@code {"role", "content", "weight"?}} with roles system, user,
 * assistant and tool, and the tools the conversation offers in a line-level {@code tools}. {@code weight} (0 or 1,
 * default 1) is allowed on assistant messages only, as OpenAI specifies; 0 keeps the turn in the prompt but out of
 * the loss. An assistant message may carry {@code tool_calls} (several: parallel calls), its content then null or
 * absent; a tool message must name the call it answers in {@code tool_call_id}. The legacy {@code functions} /
 * {@code function_call} fields are refused: the server does not serve them, so there is no prompt to train for.
 */
final class OpenAiMessagesParser implements ExampleParser {

    @Override
    public List<ChatMessage> parse(JsonNode line) throws BadLineException {
        refuse(line, "functions", "functions", "legacy function definitions are not supported; use tools");
        JsonNode toolsNode = line.get("tools");
        List<Map<String, Object>> tools = toolsNode == null || toolsNode.isNull() ? List.of()
                : ToolJson.tools(toolsNode, "tools");
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
            refuse(message, "function_call", path + ".function_call",
                    "legacy function calls are not supported; use tool_calls");
            messages.add(message(message, role, path));
        }
        if (!tools.isEmpty()) {
            messages.set(0, messages.get(0).withTools(tools));
        }
        return ExampleParser.requireSomethingToLearn(messages, "messages");
    }

    private static ChatMessage message(JsonNode message, Role role, String path) throws BadLineException {
        JsonNode callsNode = message.get("tool_calls");
        boolean calls = callsNode != null && !callsNode.isNull();
        if (calls && role != Role.ASSISTANT) {
            throw new BadLineException(path + ".tool_calls", "only assistant messages make tool calls");
        }
        JsonNode idNode = message.get("tool_call_id");
        if (idNode != null && !idNode.isNull() && role != Role.TOOL) {
            throw new BadLineException(path + ".tool_call_id", "only tool messages answer a tool call");
        }
        // as the server renders a request: null content beside tool calls is ""
        String content = calls ? optionalString(message, "content", path + ".content")
                : requiredString(message, "content", path + ".content");
        boolean trained = weight(message.get("weight"), role, path + ".weight");
        if (role == Role.TOOL) {
            String id = requiredString(message, "tool_call_id", path + ".tool_call_id");
            return ChatMessage.tool(id, content);
        }
        if (calls) {
            return ChatMessage.toolCalls(content, ToolJson.calls(callsNode, path + ".tool_calls"), trained);
        }
        if (role == Role.ASSISTANT && content.isBlank()) {
            throw new BadLineException(path + ".content", "empty answer");
        }
        return new ChatMessage(role, content, trained);
    }

    private static Role role(String role, String path) throws BadLineException {
        return switch (role) {
            case "system" -> Role.SYSTEM;
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "tool" -> Role.TOOL;
            default -> throw new BadLineException(path, "unknown role '" + role
                    + "' (expected system, user, assistant or tool)");
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
