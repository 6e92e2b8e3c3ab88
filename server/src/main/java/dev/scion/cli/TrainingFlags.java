package dev.scion.cli;

import dev.scion.trainer.TrainOptions;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The {@code train} command's settings of a round. Boxed and null unless given (or filled by
 * {@link TrainDefaults}); {@link #applyTo} copies the non-null ones onto a builder started from
 * {@link TrainOptions#defaults()}, so no default is written twice.
 *
 * <p>Negatable flags carry {@code fallbackValue = "true"}: without it picocli toggles against the default, so with
 * a default of true {@code --keep-optimizer} would set false and {@code --no-keep-optimizer} true.
 */
final class TrainingFlags {
    @Option(names = "--from", paramLabel = "latest|N|base",
            description = "Start from the adapter's newest version, version N, or anew (default: ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--rank", paramLabel = "R", description = "LoRA rank (default: ${DEFAULT-VALUE}).")
    Integer rank;

    @Option(names = "--alpha", description = "LoRA alpha; the update is scaled by alpha/rank (default: ${DEFAULT-VALUE}).")
    Double alpha;

    @Option(names = "--dropout", description = "LoRA dropout on the adapter's input (default: ${DEFAULT-VALUE}).")
    Double dropout;

    @Option(names = "--targets", paramLabel = "all|q_proj,k_proj,...",
            description = "Projections to adapt: all, or a comma list of q_proj, k_proj, v_proj, o_proj, gate_proj, "
                    + "up_proj, down_proj (default: ${DEFAULT-VALUE}).")
    String targets;

    @Option(names = "--rslora", negatable = true, fallbackValue = "true",
            description = "rsLoRA scaling alpha/sqrt(rank) instead of alpha/rank (default: ${DEFAULT-VALUE}).")
    Boolean rslora;

    @Option(names = "--learning-rate", paramLabel = "LR", description = "AdamW peak learning rate (default: ${DEFAULT-VALUE}).")
    Double learningRate;

    @Option(names = "--weight-decay", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    Double weightDecay;

    @Option(names = "--warmup-ratio", description = "Share of the steps warming the rate up (default: ${DEFAULT-VALUE}).")
    Double warmupRatio;

    @Option(names = "--schedule", paramLabel = "cosine|linear|constant",
            description = "Learning-rate decay after warm-up (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--epochs", paramLabel = "N", description = "Train exactly N passes over the data, without "
            + "early stopping (default: none, train to the target).")
    Integer epochs;

    @Option(names = "--max-epochs", paramLabel = "N", description = "Most passes a round training to its target "
            + "may take; the learning-rate schedule spans them (default: ${DEFAULT-VALUE}).")
    Integer maxEpochs;

    @Option(names = "--target-exact-match", paramLabel = "0..1", description = "Stop once this share of the new "
            + "examples (held-out ones when given) is answered exactly, checked every epoch by greedy generation; "
            + "0 = no exact-match target (default: ${DEFAULT-VALUE}).")
    Double targetExactMatch;

    @Option(names = "--target-loss", paramLabel = "LOSS", description = "Stop once the mean token loss on the same "
            + "examples is at most LOSS (with --target-exact-match when both are set) (default: none).")
    Double targetLoss;

    @Option(names = "--min-learned", paramLabel = "0..1", description = "The gate publishes a round that missed "
            + "its target only if at least this share of the new examples is answered exactly "
            + "(default: ${DEFAULT-VALUE}).")
    Double minLearned;

    @Option(names = "--batch-size", description = "Examples per micro-batch (default: ${DEFAULT-VALUE}).")
    Integer batchSize;

    @Option(names = "--gradient-accumulation", paramLabel = "N",
            description = "Micro-batches per optimizer step (default: ${DEFAULT-VALUE}).")
    Integer gradientAccumulation;

    @Option(names = "--max-grad-norm", description = "Gradient clipping norm; 0 = off (default: ${DEFAULT-VALUE}).")
    Double maxGradNorm;

    @Option(names = "--seed", description = "Seed for initialisation, shuffling and dropout (default: ${DEFAULT-VALUE}).")
    Long seed;

    @Option(names = "--eval-fraction", description = "Share of --data held out for the gate when no --eval-data is "
            + "given (default: ${DEFAULT-VALUE}).")
    Double evalFraction;

    @Option(names = "--replay-ratio", description = "Replayed earlier examples per new example (default: ${DEFAULT-VALUE}).")
    Double replayRatio;

    @Option(names = "--replay-capacity", paramLabel = "N",
            description = "Most examples the replay store keeps (default: ${DEFAULT-VALUE}).")
    Integer replayCapacity;

    @Option(names = "--ewc-lambda", description = "Weight of the EWC pull towards the previous version, "
            + "dimensionless: after each step a weight moves back by learning rate x this x its Fisher / the mean "
            + "Fisher of its distance; adapted every epoch against --max-forgetting; 0 = off "
            + "(default: ${DEFAULT-VALUE}).")
    Double ewcLambda;

    @Option(names = "--keep-optimizer", negatable = true, fallbackValue = "true",
            description = "Carry AdamW's moments over from the previous version (default: ${DEFAULT-VALUE}).")
    Boolean keepOptimizer;

    @Option(names = "--save-steps", paramLabel = "N",
            description = "Checkpoint every N optimizer steps for --resume; 0 = only at the end (default: ${DEFAULT-VALUE}).")
    Integer saveSteps;

    @Option(names = "--max-forgetting", paramLabel = "0..1", description = "Largest share of the earlier rounds' "
            + "exactly answered examples a round may lose (for a loss-only target: the relative loss increase) "
            + "(default: ${DEFAULT-VALUE}).")
    Double maxForgetting;

    @Option(names = "--canary-percent", paramLabel = "1..99",
            description = "Publish as a canary with this share of traffic (default: none, the new version is stable).")
    Integer canaryPercent;

    void applyTo(TrainOptions.Builder b) {
        if (from != null) {
            b.from = from.strip().toLowerCase(Locale.ROOT);
        }
        if (rank != null) {
            b.rank = rank;
        }
        if (alpha != null) {
            b.alpha = alpha;
        }
        if (dropout != null) {
            b.dropout = dropout;
        }
        if (targets != null) {
            b.targets = TrainDefaults.parseTargets(targets);
        }
        if (rslora != null) {
            b.rslora = rslora;
        }
        if (learningRate != null) {
            b.learningRate = learningRate;
        }
        if (weightDecay != null) {
            b.weightDecay = weightDecay;
        }
        if (warmupRatio != null) {
            b.warmupRatio = warmupRatio;
        }
        if (schedule != null) {
            b.schedule = parseSchedule(schedule);
        }
        if (epochs != null) {
            b.epochs = epochs;
        }
        if (maxEpochs != null) {
            b.maxEpochs = maxEpochs;
        }
        if (targetExactMatch != null) {
            b.targetExactMatch = targetExactMatch;
        }
        if (targetLoss != null) {
            b.targetLoss = targetLoss;
        }
        if (minLearned != null) {
            b.minLearned = minLearned;
        }
        if (batchSize != null) {
            b.batchSize = batchSize;
        }
        if (gradientAccumulation != null) {
            b.gradientAccumulation = gradientAccumulation;
        }
        if (maxGradNorm != null) {
            b.maxGradNorm = maxGradNorm;
        }
        if (seed != null) {
            b.seed = seed;
        }
        if (evalFraction != null) {
            b.evalFraction = evalFraction;
        }
        if (replayRatio != null) {
            b.replayRatio = replayRatio;
        }
        if (replayCapacity != null) {
            b.replayCapacity = replayCapacity;
        }
        if (ewcLambda != null) {
            b.ewcLambda = ewcLambda;
        }
        if (keepOptimizer != null) {
            b.keepOptimizer = keepOptimizer;
        }
        if (saveSteps != null) {
            b.saveSteps = saveSteps;
        }
        if (maxForgetting != null) {
            b.maxForgetting = maxForgetting;
        }
        if (canaryPercent != null) {
            b.canaryPercent = canaryPercent;
        }
    }

    private static TrainOptions.Schedule parseSchedule(String text) {
        for (TrainOptions.Schedule s : TrainOptions.Schedule.values()) {
            if (s.name().equalsIgnoreCase(text.strip())) {
                return s;
            }
        }
        throw new IllegalArgumentException("--schedule must be cosine, linear or constant, got '" + text + "'");
    }
}
