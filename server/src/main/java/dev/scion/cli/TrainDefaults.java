package dev.scion.cli;

import dev.scion.engine.model.Projection;
import dev.scion.trainer.TrainOptions;
import dev.scion.trainer.data.DatasetFormat;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Picocli's defaults for the training options, read from {@link TrainOptions#defaults()} so that the numbers live
 * in one place and {@code --help} shows the ones a round really uses ({@code ${DEFAULT-VALUE}}). Options it does
 * not know fall back to their annotation's default.
 */
final class TrainDefaults implements IDefaultValueProvider {
    private static final TrainOptions D = TrainOptions.defaults();

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        return switch (option.longestName()) {
            case "--rank" -> String.valueOf(D.rank());
            case "--alpha" -> String.valueOf(D.alpha());
            case "--dropout" -> String.valueOf(D.dropout());
            case "--targets" -> targets(D.targets());
            case "--rslora" -> String.valueOf(D.rslora());
            case "--learning-rate" -> String.valueOf(D.learningRate());
            case "--weight-decay" -> String.valueOf(D.weightDecay());
            case "--warmup-ratio" -> String.valueOf(D.warmupRatio());
            case "--schedule" -> D.schedule().name().toLowerCase(Locale.ROOT);
            case "--epochs" -> D.epochs() == null ? null : String.valueOf(D.epochs());
            case "--max-epochs" -> String.valueOf(D.maxEpochs());
            case "--target-exact-match" -> String.valueOf(D.targetExactMatch());
            case "--target-loss" -> D.targetLoss() == null ? null : String.valueOf(D.targetLoss());
            case "--min-learned" -> String.valueOf(D.minLearned());
            case "--batch-size" -> String.valueOf(D.batchSize());
            case "--gradient-accumulation" -> String.valueOf(D.gradientAccumulation());
            case "--max-grad-norm" -> String.valueOf(D.maxGradNorm());
            case "--seed" -> String.valueOf(D.seed());
            case "--max-length" -> String.valueOf(D.maxLength());
            case "--train-on-prompt" -> String.valueOf(D.trainOnPrompt());
            case "--skip-bad-lines" -> String.valueOf(D.skipBadLines());
            case "--format" -> formatName(D.format());
            case "--eval-fraction" -> String.valueOf(D.evalFraction());
            case "--from" -> D.from();
            case "--replay-ratio" -> String.valueOf(D.replayRatio());
            case "--replay-capacity" -> String.valueOf(D.replayCapacity());
            case "--ewc-lambda" -> String.valueOf(D.ewcLambda());
            case "--keep-optimizer" -> String.valueOf(D.keepOptimizer());
            case "--save-steps" -> String.valueOf(D.saveSteps());
            case "--max-forgetting" -> String.valueOf(D.maxForgetting());
            case "--canary-percent" -> D.canaryPercent() == null ? null : String.valueOf(D.canaryPercent());
            default -> null;
        };
    }

    static String targets(Set<Projection> targets) {
        if (targets.equals(EnumSet.allOf(Projection.class))) {
            return "all";
        }
        return EnumSet.copyOf(targets).stream().map(Projection::module).collect(Collectors.joining(","));
    }

    /** The command line's name of a data format: {@code openai} rather than the enum's OPENAI_MESSAGES. */
    static String formatName(DatasetFormat f) {
        return f == DatasetFormat.OPENAI_MESSAGES ? "openai" : f.name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code --format}; the message lists what is accepted. */
    static DatasetFormat parseFormat(String text) {
        for (DatasetFormat f : DatasetFormat.values()) {
            if (formatName(f).equalsIgnoreCase(text.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("--format must be auto, alpaca, sharegpt or openai, got '" + text + "'");
    }

    /** Parses {@code --targets}: {@code all} or a comma list of module names such as {@code q_proj,v_proj}. */
    static Set<Projection> parseTargets(String text) {
        if (text.strip().equalsIgnoreCase("all")) {
            return EnumSet.allOf(Projection.class);
        }
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        for (String part : text.split(",")) {
            String name = part.strip();
            if (name.isEmpty()) {
                continue;
            }
            Projection p = Projection.fromModule(name);
            if (p == null) {
                throw new IllegalArgumentException("--targets: unknown projection '" + name + "' (expected all or"
                        + " a comma list of q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)");
            }
            targets.add(p);
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("--targets names no projection");
        }
        return targets;
    }
}
