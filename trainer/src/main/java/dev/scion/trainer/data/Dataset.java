package dev.scion.trainer.data;

import dev.scion.engine.LoadedModel;
import java.io.IOException;
import java.nio.file.Path;
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
}
