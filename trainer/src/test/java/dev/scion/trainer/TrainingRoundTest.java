package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.AdapterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A round with the defaults on the embedded model teaches facts, passes the gate and publishes. */
class TrainingRoundTest {
    @TempDir
    Path tmp;

    @Test
    void defaultsTeachTheFactsToExactRecallAndPublish() throws Exception {
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        List<StepProgress> steps = new ArrayList<>();
        List<String> events = new ArrayList<>();
        RoundResult result = TrainingRound.run(TrainedModels.model(), store,
                TrainedModels.request("facts", TrainedModels.ROUND1, TrainOptions.defaults()),
                new TrainingListener() {
                    @Override
                    public void onStep(StepProgress p) {
                        steps.add(p);
                    }

                    @Override
                    public void onEvent(String message) {
                        events.add(message);
                    }
                }, TrainingControl.UNLIMITED);
        System.out.println(String.join("\n", events));
        System.out.println(result.gate());
        assertTrue(result.isPublished(), result.gate().reason());
        assertEquals(1, result.published().version());
        assertEquals(steps.size(), result.steps());
        double first = steps.get(0).loss();
        double last = steps.get(steps.size() - 1).loss();
        assertTrue(last < first / 4, "loss fell from " + first + " to " + last);
        double recall = TrainedModels.recall(store, "facts", 1, TrainedModels.ROUND1);
        System.out.println("recall of round 1 facts: " + recall);
        assertEquals(1.0, recall, "every fact recalled exactly");
        AdapterManifest manifest = store.resolve("facts", 1);
        assertEquals(true, manifest.metrics().get("passed"));
        assertTrue(manifest.sha256().containsKey(AdapterStore.TRAINER_STATE_FILE));
        assertTrue(Files.size(result.lossCsv()) > 0 && Files.size(result.lossPlot()) > 0);
        assertTrue(((Map<?, ?>) manifest.metrics().get("training")).get("steps") instanceof Number);
    }
}
