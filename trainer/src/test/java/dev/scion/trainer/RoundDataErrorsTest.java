package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.store.AdapterStore;
import dev.scion.trainer.data.DatasetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad line in a round's data fails the round before any training, naming file and line, unless skipped. */
class RoundDataErrorsTest {
    private static final String ADAPTER = "facts";

    /** Four good facts, one step an epoch. */
    private static final TrainOptions QUICK = TrainOptions.defaults().with(b -> {
        b.epochs = 4;
        b.batchSize = 4;
        b.minLearned = 0;
    });

    @TempDir
    Path tmp;

    /** Facts 1, 2, 3 and 4 of round 1 with an unfinished JSON object as line 3. */
    private Path dataWithBadLine3() throws IOException {
        Path facts = TrainedModels.ROUND1;
        return FactFiles.write(tmp.resolve("bad-line-3.jsonl"), FactFiles.line(facts, 1), FactFiles.line(facts, 2),
                "{\"messages\": [{\"role\": \"user\", \"content\": \"unfinished",
                FactFiles.line(facts, 3), FactFiles.line(facts, 4));
    }

    @Test
    void aBadLineFailsTheRoundNamingFileAndLineAndPublishesNothing() throws IOException {
        Path data = dataWithBadLine3();
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        DatasetException e = assertThrows(DatasetException.class, () -> TrainingRound.run(TrainedModels.model(),
                store, TrainedModels.request(ADAPTER, data, QUICK), TrainingListener.NONE, TrainingControl.UNLIMITED));
        assertTrue(e.getMessage().startsWith(data + ":3: invalid JSON"), e.getMessage());
        assertEquals(1, e.problems().size());
        assertEquals(3, e.problems().get(0).line());
        assertTrue(store.versions(ADAPTER).isEmpty());
        assertFalse(Files.exists(TrainingRound.workspace(store, ADAPTER)), "no round was started");
    }

    @Test
    void withSkipBadLinesTheRoundTrainsOnTheRestAndCountsTheSkippedLine() throws IOException {
        Path data = dataWithBadLine3();
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        RecordingListener listener = new RecordingListener();
        RoundResult result = TrainingRound.run(TrainedModels.model(), store,
                TrainedModels.request(ADAPTER, data, QUICK.with(b -> b.skipBadLines = true)), listener,
                TrainingControl.UNLIMITED);
        assertEquals(5, result.data().read());
        assertEquals(4, result.data().used());
        assertEquals(1, result.data().skipped());
        assertEquals(3, result.data().problems().get(0).line());
        assertEquals(4, result.trainExamples());
        assertTrue(listener.saw("5 lines read, 4 used, 1 skipped"), listener.transcript());
        assertTrue(result.isPublished(), result.gate().reason());
        assertEquals(1, result.published().version());
    }
}
