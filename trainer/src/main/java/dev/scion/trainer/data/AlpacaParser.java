package dev.scion.trainer.data;

import static dev.scion.trainer.data.JsonFields.kind;
import static dev.scion.trainer.data.JsonFields.optionalString;
import static dev.scion.trainer.data.JsonFields.requiredString;
import static dev.scion.trainer.data.JsonFields.string;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Alpaca lines: {@code instruction}, optional {@code input}, {@code output}, optional {@code system} and optional
 * {@code history} ({@code [[user, assistant], ...]}, earlier turns, oldest first).
 *
 * <p>A non-empty input follows the instruction after a blank line ({@code instruction + "\n\n" + input}), the
 * separator of the original Alpaca prompt between its instruction and input sections. The "### Instruction:"
 * headers of that prompt are not added: the model's own chat template frames the turn instead, as it does when
 * serving. An empty or absent {@code system} adds no system message, so the template's default system prompt (if
 * it has one) applies, again as when serving.
 */
final class AlpacaParser implements ExampleParser {
    static final String INPUT_SEPARATOR = "\n\n";

    @Override
    public List<ChatMessage> parse(JsonNode line) throws BadLineException {
        List<ChatMessage> messages = new ArrayList<>();
        String system = optionalString(line, "system", "system");
        if (!system.isEmpty()) {
            messages.add(ChatMessage.system(system));
        }
        addHistory(line.get("history"), messages);
        String instruction = requiredString(line, "instruction", "instruction");
        String input = optionalString(line, "input", "input");
        String prompt = input.isBlank() ? instruction : instruction + INPUT_SEPARATOR + input;
        if (prompt.isBlank()) {
            throw new BadLineException("instruction", "empty instruction (and no input)");
        }
        messages.add(ChatMessage.user(prompt));
        String output = requiredString(line, "output", "output");
        if (output.isBlank()) {
            throw new BadLineException("output", "empty answer");
        }
        messages.add(ChatMessage.assistant(output));
        return ExampleParser.requireSomethingToLearn(messages, "output");
    }

    private static void addHistory(JsonNode history, List<ChatMessage> messages) throws BadLineException {
        if (history == null || history.isNull()) {
            return;
        }
        if (!history.isArray()) {
            throw new BadLineException("history", "must be an array of [user, assistant] pairs, not " + kind(history));
        }
        for (int i = 0; i < history.size(); i++) {
            JsonNode pair = history.get(i);
            String path = "history[" + i + "]";
            if (!pair.isArray() || pair.size() != 2) {
                throw new BadLineException(path, "must be a [user, assistant] pair of two strings, not "
                        + (pair.isArray() ? "an array of " + pair.size() : kind(pair)));
            }
            String user = string(pair.get(0), path + "[0]");
            String assistant = string(pair.get(1), path + "[1]");
            if (assistant.isBlank()) {
                throw new BadLineException(path + "[1]", "empty answer");
            }
            messages.add(ChatMessage.user(user));
            messages.add(ChatMessage.assistant(assistant));
        }
    }
}
