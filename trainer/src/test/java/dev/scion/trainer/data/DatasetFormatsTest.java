package dev.scion.trainer.data;

import static dev.scion.trainer.data.DataFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.LoadedModel;
import dev.scion.trainer.TrainedModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three JSONL formats, declared or detected, become the same conversations and the same tokens. */
class DatasetFormatsTest {
    @TempDir
    Path tmp;
    static final LoadedModel model = TrainedModels.model(); // one per test JVM, shared with the round tests

    static final String ALPACA = "{\"system\": \"Be brief.\", \"history\": [[\"Hi\", \"Hello!\"]],"
            + " \"instruction\": \"Name the capital\", \"input\": \"of France\", \"output\": \"Paris.\"}";
    static final String SHAREGPT = "{\"conversations\": [{\"from\": \"system\", \"value\": \"Be brief.\"},"
            + " {\"from\": \"human\", \"value\": \"Hi\"}, {\"from\": \"gpt\", \"value\": \"Hello!\"},"
            + " {\"from\": \"user\", \"value\": \"Name the capital\\n\\nof France\"},"
            + " {\"from\": \"assistant\", \"value\": \"Paris.\"}]}";
    static final String OPENAI = "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"},"
            + " {\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello!\"},"
            + " {\"role\": \"user\", \"content\": \"Name the capital\\n\\nof France\"},"
            + " {\"role\": \"assistant\", \"content\": \"Paris.\", \"weight\": 1}]}";
    static final List<ChatMessage> EXPECTED = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"),
            ChatMessage.assistant("Hello!"), ChatMessage.user("Name the capital\n\nof France"),
            ChatMessage.assistant("Paris."));

    static DatasetOptions options(DatasetFormat format) {
        return new DatasetOptions(format, 1024, false, true);
    }

    @Test
    void equivalentContentInEachFormatGivesTheSameMessagesAndTokensAsTheServer() throws IOException {
        int[] served = model.encodeChat(EXPECTED.stream().map(ChatMessage::toTemplateMessage).toList(), null, false,
                Map.of());
        Dataset alpaca = Dataset.load(write(tmp.resolve("a.jsonl"), ALPACA), model, options(DatasetFormat.AUTO));
        Dataset shareGpt = Dataset.load(write(tmp.resolve("s.jsonl"), SHAREGPT), model, options(DatasetFormat.AUTO));
        Dataset openAi = Dataset.load(write(tmp.resolve("o.jsonl"), OPENAI), model, options(DatasetFormat.AUTO));
        assertEquals(DatasetFormat.ALPACA, alpaca.report().format());
        assertEquals(DatasetFormat.SHAREGPT, shareGpt.report().format());
        assertEquals(DatasetFormat.OPENAI_MESSAGES, openAi.report().format());
        for (Dataset d : List.of(alpaca, shareGpt, openAi)) {
            assertEquals(1, d.examples().size());
            TrainingExample e = d.examples().get(0);
            assertEquals(EXPECTED, e.messages(), d.report().format().name());
            assertArrayEquals(served, e.tokens(), "rendered as the server renders: " + d.report().format());
            assertArrayEquals(alpaca.examples().get(0).lossMask(), e.lossMask());
            assertEquals(1, e.sourceLine());
            assertFalse(e.truncated());
        }
    }

    @Test
    void alpacaWithoutInputSystemOrHistoryIsOneExchange() throws IOException {
        Path file = write(tmp.resolve("a.jsonl"),
                "{\"instruction\": \"Say hi\", \"input\": \"\", \"output\": \"hi\", \"system\": \"\"}",
                "{\"instruction\": \"Say bye\", \"input\": null, \"output\": \"bye\", \"history\": []}",
                "{\"instruction\": \"Add\", \"input\": \"2 and 3\", \"output\": \"5\"}");
        Dataset d = Dataset.load(file, model, options(DatasetFormat.ALPACA));
        assertEquals(List.of(ChatMessage.user("Say hi"), ChatMessage.assistant("hi")), d.examples().get(0).messages());
        assertEquals(List.of(ChatMessage.user("Say bye"), ChatMessage.assistant("bye")),
                d.examples().get(1).messages());
        assertEquals(List.of(ChatMessage.user("Add\n\n2 and 3"), ChatMessage.assistant("5")),
                d.examples().get(2).messages());
        assertEquals(0, d.report().formatDetectedLine(), "declared, not detected");
        assertEquals(List.of(1, 2, 3), d.examples().stream().map(TrainingExample::sourceLine).toList());
    }

    @Test
    void autoDetectsFromTheFirstValidLineAndReportsLinesOfAnotherFormat() throws IOException {
        Path file = write(tmp.resolve("mixed.jsonl"), "{oops", "", "{\"note\": \"no known field\"}", SHAREGPT,
                OPENAI, SHAREGPT, ALPACA);
        Dataset d = Dataset.load(file, model, options(DatasetFormat.AUTO));
        DatasetReport r = d.report();
        assertEquals(DatasetFormat.SHAREGPT, r.format());
        assertEquals(4, r.formatDetectedLine());
        assertEquals(List.of(4, 6), d.examples().stream().map(TrainingExample::sourceLine).toList());
        assertEquals(6, r.read());
        assertEquals(1, r.blankLines());
        assertEquals(2, r.used());
        assertEquals(4, r.skipped());
        assertEquals(List.of(1, 3, 5, 7), r.problems().stream().map(DataProblem::line).toList());
        assertTrue(r.problems().get(0).reason().startsWith("invalid JSON"), r.problems().get(0).reason());
        assertTrue(r.problems().get(1).reason().contains("not recognisably"), r.problems().get(1).reason());
        assertEquals("this line is OpenAI messages but the file is ShareGPT (detected from line 4); a file holds"
                + " one format", r.problems().get(2).reason());
        assertTrue(r.problems().get(3).reason().startsWith("this line is Alpaca"), r.problems().get(3).reason());
        assertTrue(r.summary().contains("sharegpt, detected from line 4"), r.summary());
    }

    @Test
    void aDeclaredFormatIsNotSecondGuessed() throws IOException {
        Path file = write(tmp.resolve("s.jsonl"), SHAREGPT, SHAREGPT);
        assertEquals(2, Dataset.load(file, model, options(DatasetFormat.SHAREGPT)).examples().size());
        DatasetException e = assertThrows(DatasetException.class,
                () -> Dataset.load(file, model, options(DatasetFormat.ALPACA)));
        assertEquals(2, e.problems().size(), "both lines are reported before giving up");
        assertTrue(e.getMessage().startsWith(file + ": no usable examples: all 2 lines were bad, the first: " + file
                + ":1: this line is ShareGPT but the file is Alpaca (declared)"), e.getMessage());
    }

    @Test
    void anEmptyFileIsAnErrorNotAnEmptyDataset() throws IOException {
        Path empty = write(tmp.resolve("empty.jsonl"));
        java.nio.file.Files.writeString(empty, "");
        DatasetException e = assertThrows(DatasetException.class,
                () -> Dataset.load(empty, model, options(DatasetFormat.AUTO)));
        assertEquals(empty + ": no examples: the file is empty", e.getMessage());
        Path blank = write(tmp.resolve("blank.jsonl"), "", "   ", "");
        e = assertThrows(DatasetException.class, () -> Dataset.load(blank, model, options(DatasetFormat.AUTO)));
        assertEquals(blank + ": no examples: the file is blank", e.getMessage());
        Path missing = tmp.resolve("missing.jsonl");
        e = assertThrows(DatasetException.class, () -> Dataset.load(missing, model, options(DatasetFormat.AUTO)));
        assertEquals(missing + ": no such file", e.getMessage());
        e = assertThrows(DatasetException.class, () -> Dataset.load(tmp, model, options(DatasetFormat.AUTO)));
        assertEquals(tmp + ": not a regular file", e.getMessage());
    }

    @Test
    void anInterruptedLoadStopsInsteadOfReadingOn() throws IOException {
        Path file = write(tmp.resolve("s.jsonl"), SHAREGPT, SHAREGPT);
        Thread.currentThread().interrupt();
        try {
            java.io.InterruptedIOException e = assertThrows(java.io.InterruptedIOException.class,
                    () -> Dataset.load(file, model, options(DatasetFormat.AUTO)));
            assertEquals(file + ": loading interrupted at line 1", e.getMessage());
        } finally {
            Thread.interrupted();
        }
    }
}
