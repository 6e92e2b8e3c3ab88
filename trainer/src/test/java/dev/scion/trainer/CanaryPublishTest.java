package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.Routing;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code canaryPercent}: a new version starts as a canary beside the stable one, when there is one. */
class CanaryPublishTest {
    private static final String ADAPTER = VersionOneStore.ADAPTER;
    private static final TrainOptions CANARY = VersionOneStore.SECOND_ROUND.with(b -> b.canaryPercent = 20);

    @TempDir
    Path tmp;

    @Test
    void aSecondRoundPublishesItsVersionAsACanary() throws IOException {
        AdapterStore store = VersionOneStore.copyTo(tmp.resolve("pool"));
        RecordingListener listener = new RecordingListener();
        RoundResult result = TrainingRound.run(TrainedModels.model(), store,
                TrainedModels.request(ADAPTER, VersionOneStore.round2(tmp, 8), CANARY), listener,
                TrainingControl.UNLIMITED);
        assertTrue(result.isPublished(), result.gate().reason());
        assertEquals(2, result.published().version());
        Routing routing = store.routing(ADAPTER);
        assertEquals(1, routing.stable(), "the stable side is pinned to version 1, not left to follow latest");
        assertEquals(2, routing.canary());
        assertEquals(20, routing.canaryPercent());
        assertTrue(listener.saw("published " + ADAPTER + "@2 as a canary at 20%"), listener.transcript());
    }

    @Test
    void aFirstRoundPublishesAsStableHavingNothingToCanaryAgainst() throws IOException {
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        RecordingListener listener = new RecordingListener();
        RoundResult result = TrainingRound.run(TrainedModels.model(), store,
                TrainedModels.request(ADAPTER, VersionOneStore.round2(tmp, 8), CANARY), listener,
                TrainingControl.UNLIMITED);
        assertTrue(result.isPublished(), result.gate().reason());
        assertEquals(1, result.published().version());
        Routing routing = store.routing(ADAPTER);
        assertNull(routing.canary(), routing.toString());
        assertEquals(1, routing.effectiveStable(1));
        assertTrue(listener.saw("published " + ADAPTER + "@1 as the stable version"), listener.transcript());
    }
}
