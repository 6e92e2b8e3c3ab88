package dev.scion.cli;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.io.Durable;
import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.PublishSource;
import dev.scion.trainer.GateReport;
import dev.scion.trainer.LearningMatrix;
import dev.scion.trainer.RoundRequest;
import dev.scion.trainer.RoundResult;
import dev.scion.trainer.TrainOptions;
import dev.scion.trainer.TrainingControl;
import dev.scion.trainer.TrainingListener;
import dev.scion.trainer.TrainingRound;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Consecutive learning rounds on datasets: for each folder, {@code round1.jsonl}, {@code round2.jsonl}, ... are
 * trained one after the other into a fresh store with the same settings, and each round's epochs, steps, wall
 * time, learned and kept counts are printed, then the learning matrix. The figures of docs/benchmarks.md
 * ("Learning rounds") come from this command.
 */
@Command(name = "learning", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train consecutive rounds on dataset folders and print the learning matrix (docs/benchmarks.md).")
final class BenchLearningCommand implements Callable<Integer> {
    @Option(names = "--dataset", paramLabel = "DIR", required = true,
            description = "A folder with round1.jsonl, round2.jsonl, ...; repeatable.")
    List<Path> datasets;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds per dataset (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--verbose", description = "Print the rounds' events (epoch checks, gate) as they come.")
    boolean verbose;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Mixin
    TrainingFlags training = new TrainingFlags();

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Override
    public Integer call() throws IOException {
        TrainOptions options = TrainCommand.options(training, dataOptions);
        System.out.println("options: " + options);
        int failures = 0;
        try (LoadedModel model = modelOptions.load()) {
            for (Path dataset : datasets) {
                failures += run(model, dataset, options);
            }
        }
        System.out.println(failures == 0 ? "every round published" : failures + " round(s) refused");
        return 0;
    }

    private int run(LoadedModel model, Path dataset, TrainOptions options) throws IOException {
        Path root = Files.createTempDirectory("scion-bench-learning");
        int refused = 0;
        try {
            AdapterStore store = AdapterStore.open(root, AdapterStore.fingerprint(model.config()));
            String name = dataset.getFileName().toString().replaceAll("[^a-zA-Z0-9-]", "-");
            System.out.println("== " + dataset);
            System.out.println("round  epochs  steps  seconds  learned         kept earlier     gate");
            int latest = 0;
            List<String> lines = new ArrayList<>();
            for (int i = 1; i <= rounds; i++) {
                Path data = dataset.resolve("round" + i + ".jsonl");
                TrainingListener events = verbose ? new TrainingListener() {
                    @Override
                    public void onEvent(String message) {
                        System.out.println("   " + message);
                    }
                } : TrainingListener.NONE;
                long began = System.nanoTime();
                RoundResult r = TrainingRound.run(model, store, new RoundRequest(name, data, null, options, false,
                        PublishSource.TRAINER), events, TrainingControl.UNLIMITED);
                double seconds = (System.nanoTime() - began) / 1e9;
                GateReport g = r.gate();
                String line = String.format(Locale.ROOT, "%5d  %6d  %5d  %7.1f  %-14s  %-15s  %s", i, r.epochs(),
                        r.steps(), seconds, g.learnedAfter() + "/" + g.targetExamples(),
                        g.retentionExamples() == 0 ? "-" : g.retainedAfter() + "/" + g.retentionExamples(),
                        r.isPublished() ? "published " + r.published().id() : "refused: " + g.reason());
                System.out.println(line);
                lines.add(line);
                if (r.isPublished()) {
                    latest = r.published().version();
                } else {
                    refused++;
                }
            }
            if (latest > 0) {
                System.out.print(LearningMatrix.of(store, name, latest).table());
            }
            return refused;
        } finally {
            Durable.deleteTree(root);
        }
    }
}
