package dev.scion.cli;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.PublishSource;
import dev.scion.trainer.RoundRequest;
import dev.scion.trainer.RoundResult;
import dev.scion.trainer.TrainOptions;
import dev.scion.trainer.TrainingControl;
import dev.scion.trainer.TrainingRound;
import dev.scion.trainer.progress.ConsoleProgress;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = TrainDefaults.class,
        description = {"Train one round of a LoRA adapter on a JSONL file and publish it as the adapter's next version "
                + "if the evaluation gate passes.",
                "Data: OpenAI chat ({\"messages\": [...]}), Alpaca or ShareGPT lines; the model's chat template "
                + "renders them and only the answers are trained. Defaults teach a few dozen short facts to the "
                + "embedded model."},
        footer = {"", "Exit status: 0 published; 1 error (a data error names file:line); 2 the gate refused the new "
                + "version; 64 the command line is wrong.",
                "The round's own files (checkpoints, loss.csv, loss.png) are kept in the store, in",
                "  ADAPTERS/.trainer/NAME/"})
final class TrainCommand implements Callable<Integer> {
    /** The exit status when the gate kept the new version back. */
    static final int GATE_REFUSED = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "FILE", required = true, description = "Training data (JSONL).")
    Path data;

    @Option(names = "--adapter", paramLabel = "NAME", required = true,
            description = "The adapter to train; its versions are published as NAME@1, NAME@2, ...")
    String adapter;

    @Option(names = "--adapters", paramLabel = "DIR", defaultValue = "${env:SCION_ADAPTERS}",
            description = "Adapter store folder, the one ./scion serve --adapters serves. Env: SCION_ADAPTERS.")
    Path adapters;

    @Option(names = "--eval-data", paramLabel = "FILE",
            description = "Held-out data for the gate; without it --eval-fraction of --data is held out.")
    Path evalData;

    @Option(names = "--resume", description = "Continue the adapter's unfinished round from its newest checkpoint.")
    boolean resume;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Mixin
    TrainingFlags training = new TrainingFlags();

    @Mixin
    DataOptions dataOptions = new DataOptions();

    @Override
    public Integer call() throws Exception {
        if (adapters == null) {
            throw new IllegalArgumentException("--adapters DIR is required (or set SCION_ADAPTERS): the store the"
                    + " new version is published into");
        }
        requireFile("--data", data);
        if (evalData != null) {
            requireFile("--eval-data", evalData);
        }
        TrainOptions options = options(); // bad settings fail here, before a model is loaded
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (LoadedModel model = modelOptions.load()) {
            AdapterStore store = AdapterStore.open(adapters, AdapterStore.fingerprint(model.config()));
            out.println("training " + adapter + " on " + data + " (model " + model.dir() + ", store " + store.root()
                    + ")");
            ConsoleProgress progress = new ConsoleProgress(out);
            RoundResult result;
            try {
                result = TrainingRound.run(model, store,
                        new RoundRequest(adapter, data, evalData, options, resume, PublishSource.TRAINER),
                        progress, TrainingControl.UNLIMITED);
            } finally {
                progress.finish();
            }
            RoundReport.print(out, result, evalData == null);
            if (!result.isPublished()) {
                spec.commandLine().getErr().println("not published: the gate refused " + adapter + "'s new version: "
                        + result.gate().reason());
                return GATE_REFUSED;
            }
            return 0;
        }
    }

    /** The round's settings: the defaults with every option the user gave applied over them. */
    TrainOptions options() {
        return options(training, dataOptions);
    }

    /** The defaults with every training and data option given on a command line applied over them. */
    static TrainOptions options(TrainingFlags training, DataOptions data) {
        return TrainOptions.defaults().with(b -> {
            training.applyTo(b);
            data.applyTo(b);
        });
    }

    static void requireFile(String option, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + " " + file + ": "
                    + (Files.exists(file) ? "not a regular file" : "no such file"));
        }
    }
}
