package dev.scion.trainer.data;

import dev.scion.engine.text.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writing JSONL files and reading masks back as text, for the data tests. */
final class DataFiles {
    private DataFiles() {}

    /** Writes the lines, each ended by a newline. */
    static Path write(Path file, String... lines) throws IOException {
        return Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /** The loss-masked stretches of an example, each decoded with its special tokens. */
    static List<String> maskedRuns(TrainingExample example, Tokenizer tokenizer) {
        return runs(example, tokenizer, true);
    }

    /** The stretches outside the loss mask, decoded. */
    static List<String> unmaskedRuns(TrainingExample example, Tokenizer tokenizer) {
        return runs(example, tokenizer, false);
    }

    private static List<String> runs(TrainingExample example, Tokenizer tokenizer, boolean masked) {
        List<String> runs = new ArrayList<>();
        boolean[] mask = example.lossMask();
        int start = -1;
        for (int i = 0; i <= mask.length; i++) {
            boolean in = i < mask.length && mask[i] == masked;
            if (in && start < 0) {
                start = i;
            } else if (!in && start >= 0) {
                runs.add(tokenizer.decode(example.tokens(), start, i, false));
                start = -1;
            }
        }
        return runs;
    }
}
