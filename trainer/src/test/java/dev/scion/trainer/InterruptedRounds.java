package dev.scion.trainer;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.PublishSource;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The round the interruption tests (kill, cancel, corrupt checkpoint) break off and resume, and the same round run
 * through without a break, computed once per test JVM, that every resumed one must reproduce. Used by
 * {@link RoundInChild} too, so the killed child and the resuming test run the very same round.
 */
final class InterruptedRounds {
    static final String ADAPTER = "facts";

    /** Twelve facts in batches of two: six optimizer steps an epoch. */
    static final int FACTS = 12;

    /**
     * Twelve steps over two epochs with a checkpoint every three, so a round can be broken off with two
     * checkpoints behind it and steps still ahead. Dropout is on, so a resume must also reproduce the dropout
     * masks of the steps after the checkpoint, not just the data order and the learning rate.
     */
    static final TrainOptions OPTIONS = TrainOptions.defaults().with(b -> {
        b.epochs = 2;
        b.batchSize = 2;
        b.saveSteps = 3;
        b.dropout = 0.1;
        b.minLearned = 0; // two epochs learn little; these tests are about resuming, not the gate
    });

    static final int TOTAL_STEPS = 12;

    /**
     * The same facts trained to the target (every fact answered exactly, checked after every epoch), three steps an
     * epoch, with dropout: a resume must reproduce the end-of-epoch checks and so stop at the same epoch.
     */
    static final TrainOptions TARGET_OPTIONS = TrainOptions.defaults().with(b -> {
        b.batchSize = 4;
        b.saveSteps = 0; // the checkpoints are the ones after every epoch's check
        b.dropout = 0.1;
    });

    static final int TARGET_STEPS_PER_EPOCH = 3;

    private static TargetReference targetReference;

    /** The uninterrupted round trained to its target: its result and its published version's folder. */
    record TargetReference(RoundResult result, Path versionFolder) {}

    private static final Pattern STEP = Pattern.compile("step-(\\d{8})");

    private static Uninterrupted reference;

    /** The uninterrupted round's published weights and loss curve. */
    record Uninterrupted(LoraAdapter adapter, Path versionFolder, Path lossCsv, GateReport gate) {}

    private InterruptedRounds() {}

    /** Writes the round's data file into {@code dir}. */
    static Path data(Path dir) throws IOException {
        return FactFiles.first(TrainedModels.ROUND1, FACTS, dir.resolve("facts-12.jsonl"));
    }

    static RoundRequest request(Path data, boolean resume) {
        return new RoundRequest(ADAPTER, data, null, OPTIONS, resume, PublishSource.TRAINER);
    }

    static RoundRequest targetRequest(Path data, boolean resume) {
        return new RoundRequest(ADAPTER, data, null, TARGET_OPTIONS, resume, PublishSource.TRAINER);
    }

    /** The round trained to its target without interruption, once per JVM. */
    static synchronized TargetReference targetReference() throws IOException {
        if (targetReference == null) {
            Path dir = SharedDirs.create("scion-uninterrupted-target-round");
            AdapterStore store = TrainedModels.store(dir.resolve("pool"));
            RoundResult result = TrainingRound.run(TrainedModels.model(), store, targetRequest(data(dir), false),
                    TrainingListener.NONE, TrainingControl.UNLIMITED);
            if (!result.isPublished()) {
                throw new IllegalStateException("the uninterrupted round did not publish: " + result.gate().reason());
            }
            targetReference = new TargetReference(result, store.folder(ADAPTER, result.published().version()));
        }
        return targetReference;
    }

    /** Where the round keeps its checkpoints while unfinished. */
    static Path checkpoints(AdapterStore store) {
        return TrainingRound.workspace(store, ADAPTER).resolve("current").resolve("checkpoints");
    }

    /** The steps of the complete checkpoints on disk (the {@code step-*} folders), ascending; empty when none. */
    static List<Integer> checkpointSteps(AdapterStore store) throws IOException {
        List<Integer> steps = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(checkpoints(store))) {
            for (Path entry : entries) {
                Matcher m = STEP.matcher(entry.getFileName().toString());
                if (m.matches()) {
                    steps.add(Integer.parseInt(m.group(1)));
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        steps.sort(null);
        return steps;
    }

    /** Runs the round without interruption in a store of its own, once per JVM. */
    static synchronized Uninterrupted reference() throws IOException {
        if (reference == null) {
            Path dir = SharedDirs.create("scion-uninterrupted-round");
            AdapterStore store = TrainedModels.store(dir.resolve("pool"));
            RoundResult result = TrainingRound.run(TrainedModels.model(), store, request(data(dir), false),
                    TrainingListener.NONE, TrainingControl.UNLIMITED);
            if (!result.isPublished() || result.steps() != TOTAL_STEPS) {
                throw new IllegalStateException("the uninterrupted reference round did not publish after "
                        + TOTAL_STEPS + " steps: " + result.steps() + " steps, " + result.gate().reason());
            }
            Path folder = store.folder(ADAPTER, result.published().version());
            reference = new Uninterrupted(PublishedAdapters.load(folder, ADAPTER), folder, result.lossCsv(),
                    result.gate());
        }
        return reference;
    }
}
