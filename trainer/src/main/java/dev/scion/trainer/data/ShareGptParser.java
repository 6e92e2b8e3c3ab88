package dev.scion.trainer.data;

import static dev.scion.trainer.data.JsonFields.kind;
import static dev.scion.trainer.data.JsonFields.optionalString;
import static dev.scion.trainer.data.JsonFields.requireObject;
import static dev.scion.trainer.data.JsonFields.requiredArray;
import static dev.scion.trainer.data.JsonFields.requiredString;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * ShareGPT lines: {@code conversations} of {@code {"from", "value"}} turns, where {@code from} is human or user,
 * gpt or assistant, or system; an optional top-level {@code system} string comes first. Tool use as LLaMA-Factory
 * writes it: a {@code function_call} turn is the assistant calling tools (its value JSON {@code {"name",
 * "arguments"}}, or a list of them for parallel calls), an {@code observation} turn a tool's result, and a
 * top-level {@code tools} (a JSON string or an array) the tools offered, each OpenAI's {@code {"type": "function",
 * "function": {...}}} or just the function object. ShareGPT has no call ids, so calls get {@code call_<turn>_<k>}
 * and each observation answers the next unanswered call, in order. Other speakers are refused by name.
 */
final class ShareGptParser implements ExampleParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public List<ChatMessage> parse(JsonNode line) throws BadLineException {
        List<Map<String, Object>> tools = tools(line.get("tools"));
        List<ChatMessage> messages = new ArrayList<>();
        String system = optionalString(line, "system", "system");
        if (!system.isEmpty()) {
            messages.add(ChatMessage.system(system));
        }
        JsonNode turns = requiredArray(line, "conversations", "conversations");
        if (turns.isEmpty()) {
            throw new BadLineException("conversations", "empty conversation");
        }
        Deque<String> unanswered = new ArrayDeque<>();
        for (int i = 0; i < turns.size(); i++) {
            JsonNode turn = turns.get(i);
            String path = "conversations[" + i + "]";
            requireObject(turn, path);
            String from = requiredString(turn, "from", path + ".from");
            String value = requiredString(turn, "value", path + ".value");
            switch (from) {
                case "function_call" -> {
                    List<Map<String, Object>> calls = calls(value, i, path + ".value");
                    calls.forEach(c -> unanswered.add((String) c.get("id")));
                    messages.add(ChatMessage.toolCalls("", calls, true));
                }
                case "observation" -> {
                    if (unanswered.isEmpty()) {
                        throw new BadLineException(path + ".from", "an observation with no function_call before it"
                                + " left unanswered");
                    }
                    messages.add(ChatMessage.tool(unanswered.removeFirst(), value));
                }
                default -> {
                    Role role = role(from, path + ".from");
                    if (role == Role.ASSISTANT && value.isBlank()) {
                        throw new BadLineException(path + ".value", "empty answer");
                    }
                    messages.add(new ChatMessage(role, value, role == Role.ASSISTANT));
                }
            }
        }
        if (!tools.isEmpty()) {
            messages.set(0, messages.get(0).withTools(tools));
        }
        return ExampleParser.requireSomethingToLearn(messages, "conversations");
    }

    private static List<Map<String, Object>> tools(JsonNode tools) throws BadLineException {
        if (tools == null || tools.isNull()) {
            return List.of();
        }
        JsonNode array = tools;
        if (tools.isTextual()) {
            if (tools.textValue().isBlank()) {
                return List.of();
            }
            array = parse(tools.textValue(), "tools");
        }
        if (!array.isArray()) {
            throw new BadLineException("tools", "must be an array (or a JSON array in a string), not " + kind(array));
        }
        var wrapped = JSON.createArrayNode();
        for (JsonNode tool : array) {
            // LLaMA-Factory lists bare function objects; OpenAI wraps each in {"type": "function", "function": ...}
            if (tool.isObject() && !tool.has("type") && !tool.has("function")) {
                ObjectNode openAi = wrapped.addObject().put("type", "function");
                openAi.set("function", tool);
            } else {
                wrapped.add(tool);
            }
        }
        return ToolJson.tools(wrapped, "tools");
    }

    private static List<Map<String, Object>> calls(String value, int turn, String path) throws BadLineException {
        JsonNode parsed = parse(value, path);
        List<JsonNode> each = new ArrayList<>();
        if (parsed.isArray()) {
            parsed.forEach(each::add);
        } else {
            each.add(parsed);
        }
        if (each.isEmpty()) {
            throw new BadLineException(path, "an empty list of calls");
        }
        List<Map<String, Object>> calls = new ArrayList<>(each.size());
        for (int k = 0; k < each.size(); k++) {
            JsonNode call = each.get(k);
            String at = parsed.isArray() ? path + "[" + k + "]" : path;
            requireObject(call, at);
            String name = requiredString(call, "name", at + ".name");
            if (name.isEmpty()) {
                throw new BadLineException(at + ".name", "empty");
            }
            calls.add(ToolJson.call("call_" + turn + "_" + k, name,
                    ToolJson.arguments(call.get("arguments"), at + ".arguments")));
        }
        return calls;
    }

    private static JsonNode parse(String text, String path) throws BadLineException {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null) {
                throw new BadLineException(path, "must hold JSON, not an empty string");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadLineException(path, "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static Role role(String from, String path) throws BadLineException {
        return switch (from) {
            case "human", "user" -> Role.USER;
            case "gpt", "assistant" -> Role.ASSISTANT;
            case "system" -> Role.SYSTEM;
            default -> throw new BadLineException(path, "unknown speaker '" + from
                    + "' (expected human, user, gpt, assistant, system, function_call or observation)");
        };
    }
}
