package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.Routing;
import dev.scion.trainer.replay.ReplayStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A round that makes the adapter forget more than allowed is refused: nothing is published, and the round's
 * report and loss curve are kept, marked refused, for the user to see why.
 */
class GateRefusalTest {
    private static final String ADAPTER = VersionOneStore.ADAPTER;

    @TempDir
    Path tmp;

    @Test
    void aRoundThatForgetsIsRefusedAndItsReportKept() throws IOException {
        AdapterStore store = VersionOneStore.copyTo(tmp.resolve("pool"));
        Path workspace = TrainingRound.workspace(store, ADAPTER);
        int replayed = ReplayStore.open(workspace.resolve("replay"), 2000).size();
        // New facts learnt hard (twice the usual rate), nothing to hold the old ones in place, and no forgetting
        // allowed at all.
        TrainOptions unprotected = VersionOneStore.OPTIONS.with(b -> {
            b.epochs = 8;
            b.learningRate = 6e-3;
            b.replayRatio = 0;
            b.ewcLambda = 0;
            b.maxForgetting = 0;
            b.minLearned = 0; // whatever it learned: the refusal must come from the forgetting check
        });
        RecordingListener listener = new RecordingListener();
        RoundResult result = TrainingRound.run(TrainedModels.model(), store,
                TrainedModels.request(ADAPTER, VersionOneStore.round2(tmp, 8), unprotected), listener,
                TrainingControl.UNLIMITED);

        assertFalse(result.isPublished(), "published despite: " + result.gate());
        assertNull(result.published());
        assertTrue(result.gate().forgetting() > 0, result.gate().toString());
        assertTrue(result.gate().reason().contains("forgetting"), result.gate().reason());
        assertTrue(listener.saw("gate refused: " + result.gate().reason()), listener.transcript());
        assertEquals(List.of(1), store.versions(ADAPTER).stream().map(AdapterManifest::version).toList());
        assertEquals(Routing.LATEST, store.routing(ADAPTER), "routing untouched");
        assertEquals(replayed, ReplayStore.open(workspace.resolve("replay"), 2000).size(),
                "a refused round's data does not enter the replay store");

        Path refused = single(workspace.resolve("rounds"), "-refused");
        assertEquals(refused, result.lossCsv().getParent());
        for (String file : List.of("report.json", "loss.csv", "loss.png")) {
            assertTrue(Files.size(refused.resolve(file)) > 0, file + " in " + refused);
        }
        JsonNode report = new ObjectMapper().readTree(refused.resolve("report.json").toFile());
        assertTrue(report.get("published").isNull(), report.toString());
        assertFalse(report.at("/gate/passed").asBoolean(true), report.toString());
        assertEquals(result.gate().reason(), report.at("/gate/reason").asText());
        assertFalse(Files.exists(workspace.resolve("current")), "the refused round is finished, not left to resume");
    }

    /** The one folder in {@code dir} whose name ends with {@code suffix}. */
    private static Path single(Path dir, String suffix) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> matching = entries.filter(p -> p.getFileName().toString().endsWith(suffix)).toList();
            assertEquals(1, matching.size(), "folders ending " + suffix + " in " + dir + ": " + matching);
            return matching.get(0);
        }
    }
}
