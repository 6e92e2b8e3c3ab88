package dev.scion.trainer.data;

import dev.scion.engine.LoadedModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSONL data file turned into training examples, rendered with the model's own chat template so that training
 * sees exactly the prompts serving will, and the account of every line in {@link #report()}.
 */
public record Dataset(List<TrainingExample> examples, DatasetReport report) {

    public Dataset {
        examples = List.copyOf(examples);
    }

    /**
     * Reads every line of {@code jsonl}.
     *
     * @throws DatasetException when a line is bad and {@code skipBadLines} is off (naming file:line and field), when
     *                          no line is usable (an empty file included), or when the chat template's output
     *                          cannot be split into prompt and answer
     * @throws IOException      when the file cannot be read
     */
    public static Dataset load(Path jsonl, LoadedModel model, DatasetOptions options) throws IOException {
        return new DatasetLoader(jsonl, new ConversationEncoder(model), options).load();
    }

    /**
     * Turns conversations held in memory (a replay store's) into examples exactly as {@link #load} turns a file's
     * lines into them: same template rendering, masks, truncation and checks. An example's {@code sourceLine} is
     * the conversation's 1-based index in the list. {@code options.format()} is not used.
     *
     * @throws DatasetException when a conversation is unusable and {@code skipBadLines} is off (naming its index),
     *                          or when the chat template's output cannot be split into prompt and answer; with
     *                          {@code skipBadLines} an unusable conversation is left out (its index is missing)
     */
    public static List<TrainingExample> encode(List<List<ChatMessage>> conversations, LoadedModel model,
            DatasetOptions options) {
        ConversationEncoder encoder = new ConversationEncoder(model);
        List<TrainingExample> examples = new ArrayList<>(conversations.size());
        for (int i = 0; i < conversations.size(); i++) {
            try {
                examples.add(encoder.example(checked(conversations.get(i)), i + 1, options));
            } catch (BadLineException e) {
                if (e instanceof TemplateSplitException || !options.skipBadLines()) {
                    throw new DatasetException("conversation " + (i + 1) + " of " + conversations.size() + ": "
                            + (e.field() == null ? "" : e.field() + ": ") + e.reason(), List.of());
                }
            }
        }
        return examples;
    }

    /** The checks a parser makes on every file line, for a conversation that never went through one. */
    private static List<ChatMessage> checked(List<ChatMessage> messages) throws BadLineException {
        if (messages.isEmpty()) {
            throw new BadLineException("messages", "empty conversation");
        }
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m.isEmptyAnswer()) {
                throw new BadLineException("messages[" + i + "].content", "empty answer");
            }
        }
        return ExampleParser.requireSomethingToLearn(messages, "messages");
    }
}
