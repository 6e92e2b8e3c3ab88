package dev.scion.trainer.replay;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.trainer.data.ChatMessage;
import dev.scion.trainer.data.Role;
import dev.scion.trainer.data.ToolJson;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code replay.jsonl}: one conversation a line in OpenAI's chat fine-tuning format, {@code {"messages": [{"role",
 * "content", "weight"}]}} with {@code weight} (0 or 1) on every assistant turn (and, for tool conversations, the
 * line's {@code tools}, assistant {@code tool_calls} and tool {@code tool_call_id}, written back in OpenAI's shape;
 * files without them, as older versions wrote, read as before), so the file is itself a training
 * data file ({@code Dataset.load} reads it) and a person can read or edit it. Reading is strict: a line that is not
 * such a conversation fails the whole open, naming file, line and field, rather than silently shrinking the replay.
 */
final class ReplayFile {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ReplayFile() {}

    static byte[] toBytes(List<List<ChatMessage>> conversations) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (List<ChatMessage> conversation : conversations) {
            ObjectNode line = JSON.createObjectNode();
            List<Map<String, Object>> tools = ChatMessage.toolsOf(conversation);
            if (!tools.isEmpty()) {
                line.set("tools", ToolJson.writeTools(tools));
            }
            ArrayNode messages = line.putArray("messages");
            for (ChatMessage m : conversation) {
                ObjectNode message = messages.addObject().put("role", m.role().wireName()).put("content", m.content());
                if (!m.toolCalls().isEmpty()) {
                    message.set("tool_calls", ToolJson.writeCalls(m.toolCalls()));
                }
                if (m.toolCallId() != null) {
                    message.put("tool_call_id", m.toolCallId());
                }
                if (m.role() == Role.ASSISTANT) {
                    message.put("weight", m.trained() ? 1 : 0);
                }
            }
            try {
                // Jackson escapes control characters, so a conversation is always exactly one line
                out.write(JSON.writeValueAsBytes(line));
            } catch (IOException e) {
                throw new IllegalStateException("cannot serialise a conversation", e);
            }
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Every conversation of the file, in order; blank lines are skipped as {@code Dataset.load} skips them. */
    static List<List<ChatMessage>> read(Path file) throws IOException {
        List<List<ChatMessage>> conversations = new ArrayList<>();
        int number = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder()))) {
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                number++;
                if (!text.isBlank()) {
                    conversations.add(conversation(file, number, text));
                }
            }
        } catch (CharacterCodingException e) {
            throw new IOException(file + ":" + (number + 1) + ": not UTF-8 text", e);
        }
        return conversations;
    }

    private static List<ChatMessage> conversation(Path file, int number, String text) throws IOException {
        String at = file + ":" + number + ": ";
        JsonNode line;
        try {
            line = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw new IOException(at + "invalid JSON" + (where == null ? "" : " at column " + where.getColumnNr())
                    + ": " + e.getOriginalMessage());
        }
        JsonNode messages = line.get("messages");
        if (!line.isObject() || messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new IOException(at + "messages: must be a non-empty array of messages");
        }
        List<ChatMessage> conversation = new ArrayList<>();
        List<Map<String, Object>> tools = List.of();
        try {
            if (line.hasNonNull("tools")) {
                tools = ToolJson.readTools(line.get("tools"), "tools");
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(at + e.getMessage());
        }
        for (int i = 0; i < messages.size(); i++) {
            String path = at + "messages[" + i + "].";
            JsonNode message = messages.get(i);
            Role role = role(message.path("role").asText(""));
            JsonNode content = message.get("content");
            JsonNode weight = message.get("weight");
            if (role == null) {
                throw new IOException(path + "role: must be system, user, assistant or tool");
            }
            if (content == null || !content.isTextual()) {
                throw new IOException(path + "content: must be a string");
            }
            if (weight != null && (role != Role.ASSISTANT || !weight.isInt() || weight.intValue() > 1
                    || weight.intValue() < 0)) {
                throw new IOException(path + "weight: must be 0 or 1, on assistant messages only");
            }
            boolean trained = role == Role.ASSISTANT && (weight == null || weight.intValue() == 1);
            List<Map<String, Object>> calls = List.of();
            if (message.hasNonNull("tool_calls")) {
                if (role != Role.ASSISTANT) {
                    throw new IOException(path + "tool_calls: on assistant messages only");
                }
                try {
                    calls = ToolJson.readCalls(message.get("tool_calls"), "tool_calls");
                } catch (IllegalArgumentException e) {
                    throw new IOException(path + e.getMessage());
                }
            }
            JsonNode id = message.get("tool_call_id");
            if ((role == Role.TOOL) != (id != null && id.isTextual())) {
                throw new IOException(path + "tool_call_id: a string on tool messages, and only there");
            }
            conversation.add(new ChatMessage(role, content.textValue(), trained, calls,
                    id == null ? null : id.textValue(), List.of()));
        }
        if (!tools.isEmpty()) {
            conversation.set(0, conversation.get(0).withTools(tools));
        }
        return List.copyOf(conversation);
    }

    private static Role role(String wireName) {
        for (Role role : Role.values()) {
            if (role.wireName().equals(wireName)) {
                return role;
            }
        }
        return null;
    }
}
