package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.store.AdapterStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of a round: a child JVM trains, is killed once it has checkpointed at step 6 or later,
 * and the round resumed in this JVM publishes what the same round run through without a break publishes.
 */
class ResumeAfterKillTest {
    /** Past the first checkpoint: the kill lands with steps behind it to keep and steps ahead to redo. */
    private static final int KILL_AT_OR_AFTER_STEP = 6;

    /** Starting a JVM and loading the model and a few steps, on a loaded machine: generous, never waited out. */
    private static final Duration CHECKPOINT_TIMEOUT = Duration.ofMinutes(10);

    private static final Pattern RESUMED = Pattern.compile("resumed from the checkpoint at step (\\d+)");

    @TempDir
    Path tmp;

    @Test
    void aRoundKilledAfterACheckpointResumesToTheUninterruptedWeights() throws Exception {
        Path data = InterruptedRounds.data(tmp);
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        Path output = tmp.resolve("child.log");
        Process child = startChild(store.root(), data, output);
        try {
            Await.await(() -> {
                if (!child.isAlive()) {
                    fail("the training child exited (" + child.exitValue() + ") before checkpointing at step "
                            + KILL_AT_OR_AFTER_STEP + ":\n" + read(output));
                }
                List<Integer> steps = steps(store);
                return !steps.isEmpty() && steps.get(steps.size() - 1) >= KILL_AT_OR_AFTER_STEP;
            }, CHECKPOINT_TIMEOUT, () -> "a checkpoint at step " + KILL_AT_OR_AFTER_STEP + " or later in "
                    + InterruptedRounds.checkpoints(store) + "; child output:\n" + read(output));
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks, files as they are
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the killed child ends");
        }
        assertNotEquals(0, child.exitValue(), "the child finished the round before it was killed:\n" + read(output));
        assertTrue(store.versions(InterruptedRounds.ADAPTER).isEmpty(), "the killed round published nothing");

        RecordingListener listener = new RecordingListener();
        RoundResult result = TrainingRound.run(TrainedModels.model(), store, InterruptedRounds.request(data, true),
                listener, TrainingControl.UNLIMITED);

        int resumedAt = resumedStep(listener);
        // A complete step-6 (or later) folder was on disk before the kill and only a newer save prunes it.
        assertTrue(resumedAt >= KILL_AT_OR_AFTER_STEP, "resumed from step " + resumedAt + ", not from the"
                + " newest checkpoint seen before the kill:\n" + listener.transcript());
        assertEquals(InterruptedRounds.TOTAL_STEPS - resumedAt, listener.steps.size(),
                "the resume trains only the steps after its checkpoint");
        assertTrue(result.isPublished(), result.gate().reason());
        assertEquals(1, result.published().version());

        LoraAdapter expected = InterruptedRounds.reference().adapter();
        LoraAdapter resumed = PublishedAdapters.load(store.folder(InterruptedRounds.ADAPTER, 1),
                InterruptedRounds.ADAPTER);
        double difference = PublishedAdapters.maxAbsDifference(expected, resumed);
        System.out.println("kill -9 at step >= " + KILL_AT_OR_AFTER_STEP + ", resumed at step " + resumedAt
                + ": max |difference| from the uninterrupted round " + difference + ", bit-identical: "
                + PublishedAdapters.bitIdentical(expected, resumed));
        assertTrue(difference <= 1e-5, "resumed weights differ from the uninterrupted round's by " + difference);
    }

    /**
     * A round training to its target, killed after its second epoch's check was checkpointed, resumes to the
     * uninterrupted round's result: the same checks, the same stopping epoch and step, the same weights.
     */
    @Test
    void aRoundTrainingToItsTargetKilledAfterAnEpochCheckStopsWhereTheUninterruptedOneStopped() throws Exception {
        Path data = InterruptedRounds.data(tmp);
        AdapterStore store = TrainedModels.store(tmp.resolve("pool"));
        Path output = tmp.resolve("child.log");
        int killAfter = 2 * InterruptedRounds.TARGET_STEPS_PER_EPOCH;
        Process child = startChild(store.root(), data, output, "target");
        try {
            Await.await(() -> {
                if (!child.isAlive()) {
                    fail("the training child exited (" + child.exitValue() + ") before checkpointing at step "
                            + killAfter + ":\n" + read(output));
                }
                List<Integer> steps = steps(store);
                return !steps.isEmpty() && steps.get(steps.size() - 1) >= killAfter;
            }, CHECKPOINT_TIMEOUT, () -> "a checkpoint at step " + killAfter + " or later; child output:\n"
                    + read(output));
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the killed child ends");
        }
        assertNotEquals(0, child.exitValue(), "the child finished the round before it was killed:\n" + read(output));
        assertTrue(store.versions(InterruptedRounds.ADAPTER).isEmpty(), "the killed round published nothing");

        RecordingListener listener = new RecordingListener();
        RoundResult result = TrainingRound.run(TrainedModels.model(), store,
                InterruptedRounds.targetRequest(data, true), listener, TrainingControl.UNLIMITED);
        InterruptedRounds.TargetReference uninterrupted = InterruptedRounds.targetReference();
        RoundResult expected = uninterrupted.result();

        int resumedAt = resumedStep(listener);
        assertTrue(resumedAt >= killAfter, "resumed from step " + resumedAt + ":\n" + listener.transcript());
        assertTrue(result.isPublished(), result.gate().reason());
        assertEquals(expected.epochs(), result.epochs(), "the stopping epoch");
        assertEquals(expected.steps(), result.steps(), "the stopping step");
        assertEquals(expected.steps() - resumedAt, listener.steps.size(), "only the steps after the checkpoint");
        assertEquals(expected.checks().size(), result.checks().size());
        for (int i = 0; i < expected.checks().size(); i++) {
            var e = expected.checks().get(i);
            var r = result.checks().get(i);
            assertEquals(List.of(e.epoch(), e.step(), e.learned(), e.examples()),
                    List.of(r.epoch(), r.step(), r.learned(), r.examples()), "check " + (i + 1));
            assertEquals(e.stop(), r.stop(), "check " + (i + 1));
            assertEquals(e.trainingLoss(), r.trainingLoss(), 1e-5, "check " + (i + 1));
        }
        LoraAdapter reference = PublishedAdapters.load(uninterrupted.versionFolder(), InterruptedRounds.ADAPTER);
        LoraAdapter resumed = PublishedAdapters.load(store.folder(InterruptedRounds.ADAPTER, 1),
                InterruptedRounds.ADAPTER);
        double difference = PublishedAdapters.maxAbsDifference(reference, resumed);
        System.out.println("target round killed at step >= " + killAfter + ", resumed at step " + resumedAt
                + ", stopped at epoch " + result.epochs() + ": max |difference| " + difference + ", bit-identical: "
                + PublishedAdapters.bitIdentical(reference, resumed));
        assertTrue(difference <= 1e-5, "resumed weights differ from the uninterrupted round's by " + difference);
    }

    /** The complete checkpoints, tolerating the child renaming folders while they are listed. */
    private static List<Integer> steps(AdapterStore store) {
        try {
            return InterruptedRounds.checkpointSteps(store);
        } catch (IOException e) {
            return List.of(); // a folder renamed between listing and reading; the next poll sees the new state
        }
    }

    private static int resumedStep(RecordingListener listener) {
        for (String event : listener.events) {
            Matcher m = RESUMED.matcher(event);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return fail("the round did not resume from a checkpoint:\n" + listener.transcript());
    }

    /**
     * A JVM on this test's class path, with what the surefire configuration gives the test JVM: offline DJL and
     * MKL's AVX2 code path (the same kernels, so the same floating-point results, as this JVM).
     */
    private static Process startChild(Path storeRoot, Path data, Path output, String... mode) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"),
                RoundInChild.class.getName(),
                TrainedModels.modelDir().toString(), storeRoot.toString(), data.toAbsolutePath().toString()));
        command.addAll(List.of(mode));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("MKL_CBWR", "AVX2");
        return builder.start();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no output)";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
