package dev.scion.trainer.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scion.engine.LoadedModel;
import dev.scion.trainer.TrainedModels;
import dev.scion.trainer.data.ChatMessage;
import dev.scion.trainer.data.Dataset;
import dev.scion.trainer.data.DatasetFormat;
import dev.scion.trainer.data.DatasetOptions;
import dev.scion.trainer.data.TrainingExample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay file is itself OpenAI-messages training data, masked as the conversations themselves would be. */
class ReplayDatasetTest {
    @TempDir
    Path tmp;
    static final LoadedModel model = TrainedModels.model(); // one per test JVM, shared with the round tests

    @Test
    void theReplayFileLoadsAsADatasetOfTheHeldConversations() throws IOException {
        ReplayStore store = ReplayStore.open(tmp, 20);
        List<ChatMessage> weighted = List.of(ChatMessage.system("Answer in one word."),
                ChatMessage.user("Colour of snow?"), ChatMessage.assistant("Grey.", false), ChatMessage.user("Really?"),
                ChatMessage.assistant("White."));
        store.add(List.of(weighted), 5);
        store.add(ReplayStoreTest.range(0, 12), 6);
        assertEquals(weighted, store.all().get(0));
        DatasetOptions options = new DatasetOptions(DatasetFormat.OPENAI_MESSAGES, 512, false, false);

        Dataset loaded = Dataset.load(tmp.resolve("replay.jsonl"), model, options);

        assertEquals(13, loaded.examples().size());
        assertEquals(0, loaded.report().problems().size());
        List<TrainingExample> encoded = Dataset.encode(store.all(), model, options);
        for (int i = 0; i < 13; i++) {
            assertEquals(store.all().get(i), loaded.examples().get(i).messages());
            assertArrayEquals(encoded.get(i).tokens(), loaded.examples().get(i).tokens());
            assertArrayEquals(encoded.get(i).lossMask(), loaded.examples().get(i).lossMask());
        }
    }
}
