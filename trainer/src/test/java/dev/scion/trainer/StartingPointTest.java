package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.AdapterNotFoundException;
import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.PublishSource;
import dev.scion.trainer.lora.LoraParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --from}: a version to continue (with its Fisher information, so EWC), {@code base}, or an error. */
class StartingPointTest {
    private static final String ADAPTER = VersionOneStore.ADAPTER;

    @TempDir
    Path tmp;

    @Test
    void fromOneContinuesVersionOneWithEwcAndFromBaseStartsFresh() throws IOException {
        Path data = VersionOneStore.round2(tmp, 8);

        AdapterStore continuing = VersionOneStore.copyTo(tmp.resolve("continuing"));
        Path v1 = continuing.folder(ADAPTER, 1);
        assertTrue(continuing.resolve(ADAPTER, 1).sha256().containsKey(AdapterStore.TRAINER_STATE_FILE));
        LoraParameters v1Params = LoraParameters.continuing(
                PeftAdapter.load(v1, ADAPTER, TrainedModels.model().config()), PeftAdapter.readConfig(v1));
        assertNotNull(VersionState.read(v1, v1Params).fisher(), "version 1 carries its Fisher information");
        RecordingListener fromOne = new RecordingListener();
        AdapterManifest continued = run(continuing, data, "1", fromOne);
        assertEquals(2, continued.version());
        assertTrue(fromOne.saw("starting from " + ADAPTER + "@1"), fromOne.transcript());
        assertTrue(fromOne.saw("EWC penalty on, weight " + VersionOneStore.SECOND_ROUND.ewcLambda() + " (Fisher normalised by its mean), towards "
                + ADAPTER + "@1"), fromOne.transcript());
        assertEquals(1, training(continued).get("from_version"));

        AdapterStore withBase = VersionOneStore.copyTo(tmp.resolve("base"));
        RecordingListener fromBase = new RecordingListener();
        AdapterManifest fresh = run(withBase, data, "base", fromBase);
        assertEquals(2, fresh.version(), "numbering goes on after version 1");
        assertTrue(fromBase.saw("starting from a fresh adapter"), fromBase.transcript());
        assertFalse(fromBase.saw("EWC penalty on"), "no version to pull towards:\n" + fromBase.transcript());
        assertEquals(0, training(fresh).get("from_version"));

        AdapterStore empty = TrainedModels.store(tmp.resolve("empty"));
        assertEquals(1, run(empty, data, "base", new RecordingListener()).version());
        assertArrayEquals(PublishedAdapters.weightBytes(empty, ADAPTER, 1),
                PublishedAdapters.weightBytes(withBase, ADAPTER, 2),
                "from base, version 1 plays no part in the weights");
        assertFalse(Arrays.equals(PublishedAdapters.weightBytes(continuing, ADAPTER, 2),
                PublishedAdapters.weightBytes(withBase, ADAPTER, 2)), "continuing version 1 trained the same weights"
                + " as starting fresh");
    }

    @Test
    void anUnknownVersionIsRefusedNamingTheVersionsThatExist() throws IOException {
        AdapterStore store = VersionOneStore.copyTo(tmp.resolve("pool"));
        TrainOptions fromSeven = VersionOneStore.SECOND_ROUND.with(b -> b.from = "7");
        AdapterNotFoundException e = assertThrows(AdapterNotFoundException.class,
                () -> TrainingRound.run(TrainedModels.model(), store,
                        TrainedModels.request(ADAPTER, VersionOneStore.round2(tmp, 8), fromSeven),
                        TrainingListener.NONE, TrainingControl.UNLIMITED));
        assertTrue(e.getMessage().contains("has no version 7") && e.getMessage().contains("versions: [1]"),
                e.getMessage());
        assertEquals(List.of(1), store.versions(ADAPTER).stream().map(AdapterManifest::version).toList());
        assertFalse(Files.exists(TrainingRound.workspace(store, ADAPTER).resolve("current")), "no round was started");
    }

    @Test
    void aBadAdapterNameIsRefusedBeforeAnyWork() throws IOException {
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        Map<String, Long> before = files(tmp);
        // The data file does not exist: had the round loaded it first, the error would be about the data.
        Path missing = tmp.resolve("no-such-data.jsonl");
        for (String name : List.of("../x", "a/b", ".trainer", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TrainingRound.run(TrainedModels.model(), store, new RoundRequest(name, missing, null,
                            VersionOneStore.SECOND_ROUND, false, PublishSource.TRAINER), TrainingListener.NONE,
                            TrainingControl.UNLIMITED));
            assertTrue(e.getMessage().contains("\"" + name + "\""), "names " + name + ": " + e.getMessage());
        }
        assertEquals(before, files(tmp), "nothing was written, inside the store or beside it");
    }

    private static AdapterManifest run(AdapterStore store, Path data, String from, TrainingListener listener)
            throws IOException {
        RoundResult result = TrainingRound.run(TrainedModels.model(), store,
                TrainedModels.request(ADAPTER, data, VersionOneStore.SECOND_ROUND.with(b -> b.from = from)), listener,
                TrainingControl.UNLIMITED);
        assertTrue(result.isPublished(), result.gate().reason());
        return result.published();
    }

    private static Map<?, ?> training(AdapterManifest manifest) {
        return (Map<?, ?>) manifest.metrics().get("training");
    }

    /** Every path under {@code dir} with its size (-1 for folders). */
    private static Map<String, Long> files(Path dir) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                files.put(dir.relativize(p).toString(), Files.isDirectory(p) ? -1 : Files.size(p));
            }
        }
        return files;
    }
}
