package dev.scion.trainer.data;

import static dev.scion.trainer.data.DataFiles.maskedRuns;
import static dev.scion.trainer.data.DataFiles.unmaskedRuns;
import static dev.scion.trainer.data.DataFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.LoadedModel;
import dev.scion.trainer.TrainedModels;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.text.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loss mask covers exactly the answers (and their end-of-turn token), and truncation keeps the start. */
class DatasetMaskTest {
    static final String END = "<|im_end|>";
    static final String THREE_TURNS = "{\"messages\": [{\"role\": \"system\", \"content\": \"You know capitals.\"},"
            + " {\"role\": \"user\", \"content\": \"France?\"}, {\"role\": \"assistant\", \"content\": \"Paris.\"},"
            + " {\"role\": \"user\", \"content\": \"Spain?\"}, {\"role\": \"assistant\", \"content\": \"Madrid.\"},"
            + " {\"role\": \"user\", \"content\": \"Peru?\"}, {\"role\": \"assistant\", \"content\": \"Lima, on the"
            + " coast.\"}]}";

    @TempDir
    Path tmp;
    static final LoadedModel model = TrainedModels.model(); // one per test JVM, shared with the round tests
    static final Tokenizer tokenizer = model.requireTokenizer();

    static DatasetOptions options(int maxLength, boolean trainOnPrompt, boolean skip) {
        return new DatasetOptions(DatasetFormat.AUTO, maxLength, trainOnPrompt, skip);
    }

    @Test
    void theMaskIsExactlyTheAnswerAndItsEndToken() throws IOException {
        Path file = write(tmp.resolve("a.jsonl"), "{\"instruction\": \"Capital of France?\", \"output\": \"Paris.\"}");
        TrainingExample e = Dataset.load(file, model, options(512, false, false)).examples().get(0);
        assertEquals(List.of("Paris." + END), maskedRuns(e, tokenizer));
        assertEquals(List.of("<|im_start|>user\nCapital of France?" + END + "\n<|im_start|>assistant\n", "\n"),
                unmaskedRuns(e, tokenizer), "the prompt and ChatML's newline after the end token are not trained");
        assertEquals(tokenizer.tokenId(END), e.tokens()[lastMasked(e)]);
    }

    @Test
    void everyAssistantTurnOfAConversationIsMasked() throws IOException {
        Path file = write(tmp.resolve("m.jsonl"), THREE_TURNS);
        Dataset d = Dataset.load(file, model, options(512, false, false));
        TrainingExample e = d.examples().get(0);
        assertEquals(List.of("Paris." + END, "Madrid." + END, "Lima, on the coast." + END), maskedRuns(e, tokenizer));
        assertEquals(e.lossTokens(), d.report().lossTokens());
        assertEquals(e.tokens().length, d.report().tokens());
        assertEquals(tokenizer.decode(e.tokens(), false), String.join("", interleave(e)),
                "masked and unmasked runs tile the whole conversation");
    }

    @Test
    void weightZeroKeepsATurnInThePromptButOutOfTheLoss() throws IOException {
        String line = THREE_TURNS.replace("\"content\": \"Madrid.\"}", "\"content\": \"Madrid.\", \"weight\": 0}");
        Path file = write(tmp.resolve("w.jsonl"), line);
        TrainingExample e = Dataset.load(file, model, options(512, false, false)).examples().get(0);
        assertEquals(List.of("Paris." + END, "Lima, on the coast." + END), maskedRuns(e, tokenizer));
        assertTrue(tokenizer.decode(e.tokens(), false).contains("Madrid." + END), "still in the prompt");
        assertFalse(e.messages().get(4).trained());

        TrainingExample all = Dataset.load(file, model, options(512, true, false)).examples().get(0);
        assertEquals(List.of("Madrid." + END), unmaskedRuns(all, tokenizer),
                "with trainOnPrompt everything but the weight-0 answer is trained");
    }

    @Test
    void trainOnPromptMasksEveryToken() throws IOException {
        Path file = write(tmp.resolve("p.jsonl"), THREE_TURNS);
        TrainingExample e = Dataset.load(file, model, options(512, true, false)).examples().get(0);
        assertEquals(e.tokens().length, e.lossTokens());
        TrainingExample answersOnly = Dataset.load(file, model, options(512, false, false)).examples().get(0);
        assertArrayEquals(answersOnly.tokens(), e.tokens());
        assertTrue(answersOnly.lossTokens() < e.lossTokens());
    }

    @Test
    void truncationKeepsTheStartCountsAndRefusesAnExampleWithNoAnswerLeft() throws IOException {
        String shortLine = "{\"instruction\": \"Hi\", \"output\": \"Hello.\"}";
        String longAnswer = "{\"instruction\": \"Count\", \"output\": \"one two three four five six seven eight nine"
                + " ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty\"}";
        String longPrompt = "{\"system\": \"" + "Remember this long preamble. ".repeat(20)
                + "\", \"instruction\": \"Hi\", \"output\": \"Hello.\"}";
        Path file = write(tmp.resolve("t.jsonl"), shortLine, longAnswer, longPrompt);
        Dataset full = Dataset.load(file, model, options(4096, false, true));
        int shortLength = full.examples().get(0).tokens().length;
        int answerStart = firstMasked(full.examples().get(1));
        int maxLength = Math.max(shortLength, answerStart + 5);
        assertTrue(shortLength <= maxLength && full.examples().get(1).tokens().length > maxLength);
        assertTrue(firstMasked(full.examples().get(2)) >= maxLength, "the third answer starts beyond the limit");

        Dataset cut = Dataset.load(file, model, options(maxLength, false, true));
        DatasetReport r = cut.report();
        assertEquals(3, r.read());
        assertEquals(2, r.used());
        assertEquals(1, r.truncated());
        assertEquals(1, r.skipped());
        DataProblem problem = r.problems().get(0);
        assertEquals(3, problem.line());
        assertTrue(problem.reason().startsWith("unusable: no answer token within the first " + maxLength + " of its "),
                problem.reason());
        TrainingExample untouched = cut.examples().get(0);
        assertFalse(untouched.truncated());
        assertArrayEquals(full.examples().get(0).tokens(), untouched.tokens());
        TrainingExample truncated = cut.examples().get(1);
        assertTrue(truncated.truncated());
        assertArrayEquals(Arrays.copyOf(full.examples().get(1).tokens(), maxLength), truncated.tokens());
        assertArrayEquals(Arrays.copyOf(full.examples().get(1).lossMask(), maxLength), truncated.lossMask());
        assertEquals(maxLength - answerStart, truncated.lossTokens(), "the answer's start is kept and trained");

        DatasetException e = assertThrows(DatasetException.class,
                () -> Dataset.load(file, model, options(maxLength, false, false)));
        assertTrue(e.getMessage().startsWith(file + ":3: unusable: no answer token"), e.getMessage());
    }

    @Test
    void aTemplateThatRewritesEarlierTurnsFailsTheLoadNamingTheLine() throws IOException {
        // Like templates that drop earlier reasoning: an answer renders differently once a later turn exists.
        String template = "{% for m in messages %}{% if m.role == 'system' %}{{ raise_exception('no system role') }}"
                + "{% elif m.role == 'assistant' and not loop.last %}<|im_start|>assistant\\n(earlier)<|im_end|>\\n"
                + "{% else %}<|im_start|>{{ m.role }}\\n{{ m.content }}<|im_end|>\\n{% endif %}{% endfor %}"
                + "{% if add_generation_prompt %}<|im_start|>assistant\\n{% endif %}";
        try (LoadedModel rewriting = LoadedModel.open(withTemplate(template), RuntimeOptions.CPU)) {
            Path file = write(tmp.resolve("r.jsonl"),
                    "{\"instruction\": \"Hi\", \"output\": \"Hello.\"}",
                    "{\"system\": \"S\", \"instruction\": \"Hi\", \"output\": \"Hello.\"}",
                    "{\"history\": [[\"France?\", \"Paris.\"]], \"instruction\": \"Spain?\", \"output\": \"Madrid.\"}");
            DatasetException e = assertThrows(DatasetException.class,
                    () -> Dataset.load(file, rewriting, options(512, false, true)));
            assertTrue(e.getMessage().startsWith(file + ":3: the chat template breaks prompt/answer splitting at"
                    + " assistant message 1: the conversation through it does not tokenize to a prefix of the whole"
                    + " conversation"), e.getMessage());
            assertEquals(List.of(2, 3), e.problems().stream().map(DataProblem::line).toList(),
                    "the refused line was skipped before; the template failure stops the load even in skip mode");
            assertEquals("the chat template refused the conversation: no system role", e.problems().get(0).reason());
        }
    }

    private Path withTemplate(String template) throws IOException {
        Path source = TrainedModels.modelDir();
        Path copy = Files.createDirectories(tmp.resolve("rewriting-model"));
        for (String name : List.of("config.json", "generation_config.json", "tokenizer.json", "model.safetensors")) {
            Files.copy(source.resolve(name), copy.resolve(name));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(source.resolve("tokenizer_config.json").toFile());
        config.put("chat_template", json.readValue("\"" + template + "\"", String.class));
        json.writeValue(copy.resolve("tokenizer_config.json").toFile(), config);
        return copy;
    }

    private static List<String> interleave(TrainingExample e) {
        List<String> pieces = new java.util.ArrayList<>();
        boolean[] mask = e.lossMask();
        int start = 0;
        for (int i = 1; i <= mask.length; i++) {
            if (i == mask.length || mask[i] != mask[start]) {
                pieces.add(tokenizer.decode(e.tokens(), start, i, false));
                start = i;
            }
        }
        return pieces;
    }

    private static int firstMasked(TrainingExample e) {
        for (int i = 0; i < e.lossMask().length; i++) {
            if (e.lossMask()[i]) {
                return i;
            }
        }
        return -1;
    }

    private static int lastMasked(TrainingExample e) {
        for (int i = e.lossMask().length - 1; i >= 0; i--) {
            if (e.lossMask()[i]) {
                return i;
            }
        }
        return -1;
    }
}
