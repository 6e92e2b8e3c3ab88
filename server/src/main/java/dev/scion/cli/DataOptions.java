package dev.scion.cli;

import dev.scion.trainer.TrainOptions;
import dev.scion.trainer.data.DatasetOptions;
import picocli.CommandLine.Option;

/**
 * How a data file is read, shared by {@code train} and {@code eval}. Fields stay null unless given (or filled by
 * {@link TrainDefaults}), and only non-null ones are applied over {@link TrainOptions#defaults()}.
 *
 * <p>Negatable flags carry {@code fallbackValue = "true"}: without it picocli toggles against the default, so with
 * a default of true {@code --keep-optimizer} would set false and {@code --no-keep-optimizer} true.
 */
final class DataOptions {
    @Option(names = "--format", paramLabel = "auto|alpaca|sharegpt|openai",
            description = "Data file layout; auto detects it from the first valid line (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--max-length", paramLabel = "TOKENS",
            description = "Longer examples lose their end (default: ${DEFAULT-VALUE}).")
    Integer maxLength;

    @Option(names = "--train-on-prompt", negatable = true, fallbackValue = "true",
            description = "Also train on system and user tokens, not only the answers (default: ${DEFAULT-VALUE}).")
    Boolean trainOnPrompt;

    @Option(names = "--skip-bad-lines", negatable = true, fallbackValue = "true",
            description = "Skip and list bad lines instead of stopping at the first (default: ${DEFAULT-VALUE}).")
    Boolean skipBadLines;

    void applyTo(TrainOptions.Builder b) {
        if (format != null) {
            b.format = TrainDefaults.parseFormat(format);
        }
        if (maxLength != null) {
            b.maxLength = maxLength;
        }
        if (trainOnPrompt != null) {
            b.trainOnPrompt = trainOnPrompt;
        }
        if (skipBadLines != null) {
            b.skipBadLines = skipBadLines;
        }
    }

    /** The dataset options these flags give over the training defaults. */
    DatasetOptions datasetOptions() {
        TrainOptions o = TrainOptions.defaults().with(this::applyTo);
        return new DatasetOptions(o.format(), o.maxLength(), o.trainOnPrompt(), o.skipBadLines());
    }
}
