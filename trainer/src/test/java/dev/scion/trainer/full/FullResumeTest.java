package dev.scion.trainer.full;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.trainer.Await;
import dev.scion.trainer.RoundCancelledException;
import dev.scion.trainer.TrainingControl;
import dev.scion.trainer.TrainingListener;
import dev.scion.trainer.checkpoint.CheckpointStore;
import dev.scion.trainer.corpus.WordNetCorpus;
import dev.scion.trainer.progress.LossCurve;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full-parameter runs stopped part-way (cancelled in this JVM, or killed with SIGKILL in a child JVM) resume from
 * their newest checkpoint to the byte-identical weights, loss curve and optimizer state of the run that never
 * stopped.
 */
class FullResumeTest {
    private static final int STEPS = 12;
    private static final int SAVE_STEPS = 3;

    @TempDir
    Path tmp;

    @Test
    void aCancelledRunResumesToTheUninterruptedBytes() throws Exception {
        Path data = TinyRuns.corpus(tmp).resolve(WordNetCorpus.PRETRAIN);
        Path straight = tmp.resolve("straight");
        run(TinyRuns.options(data, straight, STEPS, SAVE_STEPS, false), TrainingControl.UNLIMITED);

        Path stopped = tmp.resolve("stopped");
        TrainingControl cancelAtEight = new TrainingControl() {
            private int started;

            @Override
            public boolean cancelled() {
                return ++started == 8; // during step 8: steps 1-7 done, the newest checkpoint is step 6
            }
        };
        assertThrows(RoundCancelledException.class,
                () -> run(TinyRuns.options(data, stopped, STEPS, SAVE_STEPS, false), cancelAtEight));
        assertEquals(List.of(3, 6), new CheckpointStore(stopped.resolve(Pretraining.CHECKPOINTS), 2).steps());

        List<String> events = new ArrayList<>();
        Pretraining.Result resumed = run(TinyRuns.options(data, stopped, STEPS, SAVE_STEPS, true), events);
        assertEquals(6, resumed.resumedFrom(), events.toString());
        assertSameRun(straight, stopped);
    }

    @Test
    void aRunKilledAfterACheckpointResumesToTheUninterruptedBytes() throws Exception {
        Path data = TinyRuns.corpus(tmp).resolve(WordNetCorpus.PRETRAIN);
        Path killed = tmp.resolve("killed");
        Path log = tmp.resolve("child.log");
        int holdBefore = 8;
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), PretrainInChild.class.getName(),
                data.toAbsolutePath().toString(), killed.toString(), String.valueOf(STEPS),
                String.valueOf(SAVE_STEPS), String.valueOf(holdBefore))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Await.await(() -> {
                if (!child.isAlive()) {
                    fail("the child exited (" + child.exitValue() + ") before holding:\n" + read(log));
                }
                return read(log).contains("holding before step " + holdBefore);
            }, Duration.ofMinutes(5), () -> "the child holding before step " + holdBefore + ":\n" + read(log));
        } finally {
            child.destroyForcibly(); // SIGKILL: nothing of the child's runs after this
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
        }
        assertNotEquals(0, child.exitValue());
        assertTrue(Files.notExists(killed.resolve("model.safetensors")), "the killed run wrote no weights");

        Path straight = tmp.resolve("straight");
        run(TinyRuns.options(data, straight, STEPS, SAVE_STEPS, false), TrainingControl.UNLIMITED);
        List<String> events = new ArrayList<>();
        Pretraining.Result resumed = run(TinyRuns.options(data, killed, STEPS, SAVE_STEPS, true), events);
        assertEquals(6, resumed.resumedFrom(), events.toString());
        assertEquals(STEPS, resumed.steps());
        assertSameRun(straight, killed);
    }

    @Test
    void aResumeWithOtherSettingsIsRefused() throws Exception {
        Path data = TinyRuns.corpus(tmp).resolve(WordNetCorpus.PRETRAIN);
        Path out = tmp.resolve("run");
        run(TinyRuns.options(data, out, 6, SAVE_STEPS, false), TrainingControl.UNLIMITED);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> run(TinyRuns.options(data, out, 7, SAVE_STEPS, true), TrainingControl.UNLIMITED));
        assertTrue(e.getMessage().contains("other data or settings"), e.getMessage());
    }

    private static void assertSameRun(Path expected, Path actual) throws IOException {
        assertEquals(-1L, Files.mismatch(expected.resolve("model.safetensors"), actual.resolve("model.safetensors")),
                "the resumed run's weights differ from the uninterrupted run's");
        assertEquals(LossCurve.readCsv(expected.resolve("loss.csv")).points(),
                LossCurve.readCsv(actual.resolve("loss.csv")).points());
        // The optimizer state too: the final checkpoints hold the same tensors.
        Path a = expected.resolve(Pretraining.CHECKPOINTS).resolve("step-00000012").resolve("tensors.safetensors");
        Path b = actual.resolve(Pretraining.CHECKPOINTS).resolve("step-00000012").resolve("tensors.safetensors");
        assertEquals(-1L, Files.mismatch(a, b), "the final checkpoints (weights and AdamW moments) differ");
    }

    private static Pretraining.Result run(PretrainOptions o, TrainingControl control) throws IOException {
        return Pretraining.run(o, RuntimeOptions.CPU, TrainingListener.NONE, control);
    }

    private static Pretraining.Result run(PretrainOptions o, List<String> events) throws IOException {
        return Pretraining.run(o, RuntimeOptions.CPU, new TrainingListener() {
            @Override
            public void onEvent(String message) {
                events.add(message);
            }
        }, TrainingControl.UNLIMITED);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "(no output)";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
