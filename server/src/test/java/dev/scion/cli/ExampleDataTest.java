package dev.scion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.LoadedModel;
import dev.scion.engine.embedded.DefaultModel;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.trainer.TrainOptions;
import dev.scion.trainer.data.Dataset;
import dev.scion.trainer.data.DatasetOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README walkthrough's data (examples/facts-*.jsonl): the test copies match the repository's files, every line
 * trains, answers are one to three words, and the two rounds ask about different things.
 */
class ExampleDataTest {
    static final List<String> FILES = List.of("facts-1.jsonl", "facts-2.jsonl");

    @TempDir
    Path dir;

    @Test
    void testCopiesMatchTheRepositorysExamples() throws Exception {
        // surefire runs in the module folder; the walkthrough's files are one level up
        Path examples = Path.of("..", "examples");
        for (String name : FILES) {
            assertEquals(Files.readString(examples.resolve(name)), Files.readString(Cli.example(name, dir)),
                    "server/src/test/resources/examples/" + name + " differs from examples/" + name);
        }
    }

    @Test
    void everyLineIsAShortMadeUpFactAndTheRoundsDoNotOverlap() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Set<String> questions = new HashSet<>();
        int[] expected = {30, 20};
        Path model = DefaultModel.ensure(dir.resolve("models"));
        TrainOptions d = TrainOptions.defaults();
        try (LoadedModel m = LoadedModel.open(model, RuntimeOptions.CPU)) {
            for (int i = 0; i < FILES.size(); i++) {
                Path file = Cli.example(FILES.get(i), dir);
                Dataset data = Dataset.load(file, m, new DatasetOptions(d.format(), d.maxLength(), false, false));
                assertEquals(expected[i], data.report().used(), data.report().summary());
                for (String line : Files.readAllLines(file)) {
                    JsonNode messages = json.readTree(line).get("messages");
                    String answer = messages.get(1).get("content").asText();
                    int words = answer.split("\\s+").length;
                    assertTrue(words >= 1 && words <= 3, "answer of 1 to 3 words: " + answer);
                    assertTrue(questions.add(messages.get(0).get("content").asText()), "asked twice: " + line);
                }
            }
        }
    }
}
