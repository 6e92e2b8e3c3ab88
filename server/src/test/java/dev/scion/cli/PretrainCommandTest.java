package dev.scion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./scion pretrain} end to end on a tiny shape: a model folder that generate loads and that learned its text. */
class PretrainCommandTest {
    private static final String SENTENCE = "the quick brown fox jumps over the lazy dog.";

    @TempDir
    Path tmp;

    @Test
    void pretrainsATinyModelThatGenerateLoadsAndThatContinuesItsText() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            lines.add(SENTENCE);
            lines.add(""); // blank lines are skipped
        }
        Path data = Files.write(tmp.resolve("text.txt"), lines);
        Path out = tmp.resolve("model");

        Cli.Run run = Cli.scion(tiny(data, out));

        assertEquals(0, run.exit(), run.all());
        assertTrue(run.out().contains("training done: 60 steps"), run.all());
        for (String name : List.of("config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors",
                "loss.csv", "pretrain.json")) {
            assertTrue(Files.isRegularFile(out.resolve(name)), name + "\n" + run.all());
        }
        JsonNode report = new ObjectMapper().readTree(out.resolve("pretrain.json").toFile());
        assertEquals(60, report.get("steps").asInt());
        assertTrue(report.get("final_loss").asDouble() < 1.0, "the one sentence is learned: " + report);

        Cli.Run generated = Cli.scion("generate", "--model", out.toString(), "--prompt", "the quick brown",
                "--max-tokens", "6", "--json");
        assertEquals(0, generated.exit(), generated.all());
        String text = new ObjectMapper().readTree(generated.out()).get("text").asText();
        assertTrue(text.startsWith(" fox jumps over"), "greedy continuation: '" + text + "'");

        // Resuming a finished run trains nothing and writes the same weights.
        byte[] weights = Files.readAllBytes(out.resolve("model.safetensors"));
        List<String> again = new ArrayList<>(List.of(tiny(data, out)));
        again.add("--resume");
        Cli.Run resumed = Cli.scion(again.toArray(String[]::new));
        assertEquals(0, resumed.exit(), resumed.all());
        assertTrue(resumed.out().contains("resumed from the checkpoint at step 60"), resumed.all());
        assertEquals(-1, java.util.Arrays.mismatch(weights, Files.readAllBytes(out.resolve("model.safetensors"))));
    }

    @Test
    void anUnknownRecipeOrMissingDataIsAnError() {
        Cli.Run recipe = Cli.scion("pretrain", "--recipe", "huge", "--out", tmp.resolve("x").toString());
        assertEquals(1, recipe.exit(), recipe.all());
        assertTrue(recipe.err().contains("only 'embedded' exists"), recipe.all());
        Cli.Run noData = Cli.scion("pretrain", "--out", tmp.resolve("x").toString());
        assertEquals(1, noData.exit(), noData.all());
        assertTrue(noData.err().contains("--data FILE is required"), noData.all());
    }

    private static String[] tiny(Path data, Path out) {
        return new String[] {"pretrain", "--data", data.toString(), "--out", out.toString(), "--hidden-size", "32",
            "--layers", "2", "--heads", "4", "--kv-heads", "2", "--intermediate-size", "64", "--merges", "40",
            "--max-positions", "64", "--steps", "60", "--batch-size", "4", "--seq-len", "16", "--learning-rate",
            "1e-2", "--save-steps", "0", "--seed", "3"};
    }
}
