package dev.scion.trainer;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.store.AdapterStore;
import java.nio.file.Path;

/**
 * Runs {@link InterruptedRounds}' round in a JVM of its own, so a test can kill it with SIGKILL at any moment.
 * Arguments: the model folder, the store folder, the data file, and {@code target} for the round that trains to
 * its target. Prints each event as it happens (the parent
 * keeps the output for its failure messages) and exits 0 when the round is done.
 */
public final class RoundInChild {
    private RoundInChild() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3 && !(args.length == 4 && args[3].equals("target"))) {
            System.err.println("usage: RoundInChild <model dir> <store dir> <data file> [target]");
            System.exit(2);
        }
        boolean toTarget = args.length == 4;
        LoadedModel model = LoadedModel.open(Path.of(args[0]), RuntimeOptions.CPU);
        AdapterStore store = AdapterStore.open(Path.of(args[1]), AdapterStore.fingerprint(model.config()));
        Path data = Path.of(args[2]);
        RoundResult result = TrainingRound.run(model, store, toTarget ? InterruptedRounds.targetRequest(data, false)
                : InterruptedRounds.request(data, false),
                new TrainingListener() {
                    @Override
                    public void onStep(StepProgress p) {
                        System.out.println("step " + p.step() + " of " + p.totalSteps());
                    }

                    @Override
                    public void onEvent(String message) {
                        System.out.println(message);
                    }
                }, TrainingControl.UNLIMITED);
        System.out.println("finished: " + (result.isPublished() ? result.published().id() : result.gate().reason()));
    }
}
