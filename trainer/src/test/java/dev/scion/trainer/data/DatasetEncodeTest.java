package dev.scion.trainer.data;

import static dev.scion.trainer.data.DataFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.LoadedModel;
import dev.scion.trainer.TrainedModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conversations in memory become exactly the examples their JSONL lines would. */
class DatasetEncodeTest {
    static final List<List<ChatMessage>> CONVERSATIONS = List.of(
            List.of(ChatMessage.system("You know capitals."), ChatMessage.user("France?"),
                    ChatMessage.assistant("Paris.", false), ChatMessage.user("Peru?"),
                    ChatMessage.assistant("Lima, on the coast.")),
            List.of(ChatMessage.user("Say hi."), ChatMessage.assistant("Hi!")));
    static final String[] LINES = {
        "{\"messages\": [{\"role\": \"system\", \"content\": \"You know capitals.\"},"
                + " {\"role\": \"user\", \"content\": \"France?\"},"
                + " {\"role\": \"assistant\", \"content\": \"Paris.\", \"weight\": 0},"
                + " {\"role\": \"user\", \"content\": \"Peru?\"},"
                + " {\"role\": \"assistant\", \"content\": \"Lima, on the coast.\"}]}",
        "{\"messages\": [{\"role\": \"user\", \"content\": \"Say hi.\"}, {\"role\": \"assistant\", \"content\": \"Hi!\"}]}"
    };

    @TempDir
    Path tmp;
    static final LoadedModel model = TrainedModels.model(); // one per test JVM, shared with the round tests

    @Test
    void encodingMatchesLoadingTheSameConversationsFromAFile() throws IOException {
        Path file = write(tmp.resolve("d.jsonl"), LINES);
        for (DatasetOptions options : List.of(
                new DatasetOptions(DatasetFormat.OPENAI_MESSAGES, 512, false, false),
                new DatasetOptions(DatasetFormat.OPENAI_MESSAGES, 512, true, false),
                new DatasetOptions(DatasetFormat.OPENAI_MESSAGES, 60, false, false))) {
            List<TrainingExample> loaded = Dataset.load(file, model, options).examples();
            List<TrainingExample> encoded = Dataset.encode(CONVERSATIONS, model, options);
            assertEquals(loaded.size(), encoded.size());
            for (int i = 0; i < loaded.size(); i++) {
                String what = options + " example " + i;
                assertArrayEquals(loaded.get(i).tokens(), encoded.get(i).tokens(), what);
                assertArrayEquals(loaded.get(i).lossMask(), encoded.get(i).lossMask(), what);
                assertEquals(loaded.get(i).truncated(), encoded.get(i).truncated(), what);
                assertEquals(loaded.get(i).messages(), encoded.get(i).messages(), what);
                assertEquals(i + 1, encoded.get(i).sourceLine());
            }
        }
        assertTrue(Dataset.encode(CONVERSATIONS, model, new DatasetOptions(DatasetFormat.AUTO, 60, false, false))
                .get(0).truncated(), "the first conversation is longer than 60 tokens, so the cut is exercised");
    }

    @Test
    void anUnusableConversationFailsNamingItsIndexOrIsSkipped() {
        List<List<ChatMessage>> conversations = List.of(CONVERSATIONS.get(1),
                List.of(ChatMessage.user("Hello?"), ChatMessage.assistant("  ")),
                List.of(ChatMessage.user("Only a question.")));
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.encode(conversations, model,
                new DatasetOptions(DatasetFormat.AUTO, 512, false, false)));
        assertEquals("conversation 2 of 3: messages[1].content: empty answer", e.getMessage());

        List<TrainingExample> kept = Dataset.encode(conversations, model,
                new DatasetOptions(DatasetFormat.AUTO, 512, false, true));
        assertEquals(1, kept.size());
        assertEquals(1, kept.get(0).sourceLine());
    }
}
