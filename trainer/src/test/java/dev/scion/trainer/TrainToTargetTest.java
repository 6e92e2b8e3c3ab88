package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.store.AdapterStore;
import dev.scion.trainer.loop.EpochCheck;
import dev.scion.trainer.replay.ReplayStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A round trains until its new data is learned: checked after every epoch by answering the examples greedily,
 * it stops at the first epoch that meets the target, and a round that cannot reach it is refused.
 */
class TrainToTargetTest {
    private static final int FACTS = 12;

    /** Three optimizer steps an epoch. */
    private static final TrainOptions OPTIONS = TrainOptions.defaults().with(b -> b.batchSize = 4);

    @TempDir
    Path tmp;

    @Test
    void aRoundStopsAtTheFirstEpochThatAnswersEveryNewExample() throws Exception {
        Path data = FactFiles.first(TrainedModels.ROUND1, FACTS, tmp.resolve("facts.jsonl"));
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        RecordingListener listener = new RecordingListener();
        RoundResult result = TrainingRound.run(TrainedModels.model(), store,
                TrainedModels.request("facts", data, OPTIONS), listener, TrainingControl.UNLIMITED);

        assertTrue(result.isPublished(), result.gate().reason());
        List<EpochCheck> checks = result.checks();
        assertEquals(result.epochs(), checks.size(), "one check per epoch");
        EpochCheck last = checks.get(checks.size() - 1);
        assertTrue(last.stop() && last.targetMet(), "the last check stopped the round: " + last);
        assertEquals(FACTS, last.learned());
        for (EpochCheck c : checks.subList(0, checks.size() - 1)) {
            assertFalse(c.targetMet(), "an earlier epoch already met the target, yet training went on: " + c);
        }
        assertTrue(result.epochs() < OPTIONS.maxEpochs(), "stopped early: " + result.epochs() + " epochs");
        assertEquals(result.epochs() * 3, result.steps(), "whole epochs of three steps each");
        assertEquals(result.steps(), listener.steps.size(), "no step trained after the stopping epoch");
        assertTrue(listener.saw("epoch " + result.epochs() + ": learned " + FACTS + "/" + FACTS), listener.transcript());

        // What the gate measured is what serving answers: every fact, by the published version.
        ServedAnswers.assertExact(store, "facts", 1, data);
        assertEquals(FACTS, result.gate().learnedAfter());
        Map<?, ?> training = (Map<?, ?>) store.resolve("facts", 1).metrics().get("training");
        assertEquals(result.epochs(), ((Number) training.get("epochs")).intValue());
        assertEquals(result.steps(), ((Number) training.get("steps")).intValue());
    }

    @Test
    void aRoundThatCannotReachItsTargetIsRefusedWithTheReasonAndPublishesNothing() throws Exception {
        Path data = FactFiles.first(TrainedModels.ROUND1, FACTS, tmp.resolve("facts.jsonl"));
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        RecordingListener listener = new RecordingListener();
        RoundResult result = TrainingRound.run(TrainedModels.model(), store,
                TrainedModels.request("facts", data, OPTIONS.with(b -> b.maxEpochs = 1)), listener,
                TrainingControl.UNLIMITED);

        assertFalse(result.isPublished());
        assertNull(result.published());
        assertEquals(1, result.epochs());
        String reason = result.gate().reason();
        assertTrue(reason.matches("learned \\d+/12 new examples \\(.*\\) in 1 epoch; the gate needs 11/12 .*"),
                reason);
        assertTrue(listener.saw("gate refused: " + reason), listener.transcript());
        assertTrue(store.versions("facts").isEmpty(), "nothing published");
        Path workspace = TrainingRound.workspace(store, "facts");
        assertEquals(0, ReplayStore.open(workspace.resolve("replay"), 2000).size(), "no data enters the replay store");
        assertFalse(Files.exists(workspace.resolve("data").resolve("v1.jsonl")), "no round data is recorded");
        try (Stream<Path> rounds = Files.list(workspace.resolve("rounds"))) {
            Path refused = rounds.filter(p -> p.getFileName().toString().endsWith("-refused")).findFirst()
                    .orElseThrow();
            JsonNode report = new ObjectMapper().readTree(refused.resolve("report.json").toFile());
            assertFalse(report.at("/gate/passed").asBoolean(true), report.toString());
            assertEquals(reason, report.at("/gate/reason").asText());
            assertEquals(1, report.at("/epochs").size(), "the epoch check is in the report: " + report);
        }
    }
}
