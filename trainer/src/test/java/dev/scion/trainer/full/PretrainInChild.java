package dev.scion.trainer.full;

import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.trainer.TrainingControl;
import dev.scion.trainer.TrainingListener;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link TinyRuns}' run in a JVM of its own so a test can kill it with SIGKILL. Arguments: the data file, the
 * output folder, the total steps, the save interval, and the step before which it stops and waits to be killed
 * (after that step's predecessor, and its checkpoint, are done).
 */
public final class PretrainInChild {
    private PretrainInChild() {}

    public static void main(String[] args) throws Exception {
        int steps = Integer.parseInt(args[2]);
        int saveSteps = Integer.parseInt(args[3]);
        int holdBefore = Integer.parseInt(args[4]);
        CountDownLatch never = new CountDownLatch(1);
        TrainingControl holdThenWait = new TrainingControl() {
            private int started;

            @Override
            public void beforeStep() throws InterruptedException {
                if (++started == holdBefore) {
                    System.out.println("holding before step " + holdBefore);
                    never.await(); // the parent kills this JVM here
                }
            }
        };
        Pretraining.run(TinyRuns.options(Path.of(args[0]), Path.of(args[1]), steps, saveSteps, false),
                RuntimeOptions.CPU, new TrainingListener() {
                    @Override
                    public void onEvent(String message) {
                        System.out.println(message);
                    }
                }, holdThenWait);
        System.out.println("finished");
    }
}
