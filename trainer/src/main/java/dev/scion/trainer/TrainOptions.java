package dev.scion.trainer;

import dev.scion.engine.model.Projection;
import dev.scion.trainer.data.DatasetFormat;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Every setting of one training round, passed everywhere as one value. {@link #defaults()} are chosen so a
 * round teaches a few dozen short facts to exact recall on the embedded default model.
 *
 * @param from {@code latest} (continue the adapter's newest version, or start fresh when it has none),
 *     a version number, or {@code base} (start anew)
 * @param warmupRatio share of the optimizer steps spent warming the learning rate up from zero
 * @param evalFraction share of the new data held out for the gate when no evaluation file is given; 0 (the
 *     default) scores the gate's learning check on the training examples: held-out facts cannot be learned from
 *     the others, and their loss rises as the adapter grows confident
 * @param replayRatio replayed examples added per new example (0.5: one replayed for every two new)
 * @param keepOptimizer carry AdamW's moments from the previous version into this round
 * @param saveSteps write a checkpoint every this many optimizer steps (0: only at the end)
 * @param epochs a fixed number of passes over the data; null (the default) trains to the target instead: until
 *     {@code targetExactMatch} and {@code targetLoss} are met, checked after every epoch, at most {@code maxEpochs}
 * @param targetExactMatch share of the new examples (held-out ones when given) whose greedy answer must equal the
 *     reference for the round to stop early; 0: no exact-match target
 * @param targetLoss mean token loss on the same examples the round stops at (with the exact-match target when
 *     both are set); null: no loss target
 * @param minLearned the gate publishes a round that missed its target if at least this share of the new examples
 *     is answered exactly
 * @param ewcLambda dimensionless strength of the EWC penalty: the Fisher information is divided by its mean, so
 *     1 weighs a parameter of average importance the same whatever the data's gradient scale; adapted every
 *     epoch against the forgetting budget when training to a target (see {@code EwcStrength})
 * @param maxForgetting the largest drop in exact-match accuracy on earlier rounds' examples the gate accepts
 *     (for a loss-only target: the largest relative increase of their loss)
 * @param canaryPercent start the published version as a canary with this share of traffic; null: stable
 */
public record TrainOptions(
        int rank, double alpha, double dropout, Set<Projection> targets, boolean rslora,
        double learningRate, double weightDecay, double warmupRatio, Schedule schedule, Integer epochs, int maxEpochs,
        double targetExactMatch, Double targetLoss, double minLearned, int batchSize,
        int gradientAccumulation, double maxGradNorm, long seed,
        int maxLength, boolean trainOnPrompt, boolean skipBadLines, DatasetFormat format, double evalFraction,
        String from, double replayRatio, int replayCapacity, double ewcLambda, boolean keepOptimizer,
        int saveSteps, double maxForgetting, Integer canaryPercent) {

    /** Whether the round trains to its target (checked every epoch) rather than for a fixed number of epochs. */
    public boolean trainsToTarget() {
        return epochs == null;
    }

    /** The epochs the schedule spans: the fixed count, or the most a round that trains to its target may use. */
    public int plannedEpochs() {
        return epochs != null ? epochs : maxEpochs;
    }

    /** How the learning rate decays after warm-up. */
    public enum Schedule { COSINE, LINEAR, CONSTANT }

    public TrainOptions {
        Objects.requireNonNull(targets, "targets");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(from, "from");
        check(!targets.isEmpty(), "targets must name at least one projection");
        targets = Collections.unmodifiableSet(EnumSet.copyOf(targets)); // projection order, the same in every JVM
        check(rank >= 1 && rank <= 512, "rank must be 1 to 512, got " + rank);
        check(alpha > 0 && Double.isFinite(alpha), "alpha must be positive, got " + alpha);
        check(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
        check(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be positive, got " + learningRate);
        check(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be 0 or more, got " + weightDecay);
        check(warmupRatio >= 0 && warmupRatio < 1, "warmup ratio must be in [0, 1), got " + warmupRatio);
        check(epochs == null || epochs >= 1, "epochs must be 1 or more, got " + epochs);
        check(maxEpochs >= 1 && maxEpochs <= 10_000, "max epochs must be 1 to 10000, got " + maxEpochs);
        check(targetExactMatch >= 0 && targetExactMatch <= 1, "target exact match must be in [0, 1], got "
                + targetExactMatch);
        check(targetLoss == null || (targetLoss > 0 && Double.isFinite(targetLoss)),
                "target loss must be positive, got " + targetLoss);
        check(epochs != null || targetExactMatch > 0 || targetLoss != null, "a round needs something to stop at:"
                + " a target exact match above 0, a target loss, or a fixed number of epochs");
        check(minLearned >= 0 && minLearned <= 1, "min learned must be in [0, 1], got " + minLearned);
        check(batchSize >= 1, "batch size must be 1 or more, got " + batchSize);
        check(gradientAccumulation >= 1, "gradient accumulation must be 1 or more, got " + gradientAccumulation);
        check(maxGradNorm >= 0 && Double.isFinite(maxGradNorm), "max grad norm must be 0 (off) or more, got " + maxGradNorm);
        check(maxLength >= 2, "max length must be 2 or more, got " + maxLength);
        check(evalFraction >= 0 && evalFraction < 1, "eval fraction must be in [0, 1), got " + evalFraction);
        check(from.equals("latest") || from.equals("base") || from.matches("[1-9][0-9]{0,8}"),
                "from must be latest, base or a version number, got " + from);
        check(replayRatio >= 0 && Double.isFinite(replayRatio), "replay ratio must be 0 or more, got " + replayRatio);
        check(replayCapacity >= 0, "replay capacity must be 0 or more, got " + replayCapacity);
        check(ewcLambda >= 0 && Double.isFinite(ewcLambda), "ewc lambda must be 0 (off) or more, got " + ewcLambda);
        check(saveSteps >= 0, "save steps must be 0 or more, got " + saveSteps);
        check(maxForgetting >= 0 && maxForgetting <= 1, "max forgetting must be in [0, 1], got " + maxForgetting);
        check(canaryPercent == null || (canaryPercent >= 1 && canaryPercent <= 99),
                "canary percent must be 1 to 99, got " + canaryPercent);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static TrainOptions defaults() {
        // Chosen on five datasets of different formats and sizes and checked on ones kept out of the tuning
        // (docs/benchmarks.md, "Learning rounds"): rounds train to exact recall of their new data, at most 40
        // epochs, with as many earlier examples as new ones drawn afresh every epoch, and a light normalised EWC
        // weight (0.1) that doubles when forgetting exceeds its budget: a weight of 1 from the start took a second
        // Chinese round 23 epochs where 0 took 7, and kept no more (10/10 both).
        return new TrainOptions(16, 32, 0.0, EnumSet.allOf(Projection.class), false,
                3e-3, 0.0, 0.05, Schedule.COSINE, null, 40, 1.0, null, 0.9, 8, 1, 1.0, 42,
                512, false, false, DatasetFormat.AUTO, 0.0,
                "latest", 1.0, 2000, 0.1, true,
                50, 0.05, null);
    }

    /** A copy with some fields changed: {@code defaults().with(b -> b.epochs = 3)}. */
    public TrainOptions with(java.util.function.Consumer<Builder> change) {
        Builder b = new Builder(this);
        change.accept(b);
        return b.build();
    }

    /** Mutable mirror of the record, for {@link #with}, command-line and JSON parsing. */
    public static final class Builder {
        public int rank;
        public double alpha;
        public double dropout;
        public Set<Projection> targets;
        public boolean rslora;
        public double learningRate;
        public double weightDecay;
        public double warmupRatio;
        public Schedule schedule;
        public Integer epochs;
        public int maxEpochs;
        public double targetExactMatch;
        public Double targetLoss;
        public double minLearned;
        public int batchSize;
        public int gradientAccumulation;
        public double maxGradNorm;
        public long seed;
        public int maxLength;
        public boolean trainOnPrompt;
        public boolean skipBadLines;
        public DatasetFormat format;
        public double evalFraction;
        public String from;
        public double replayRatio;
        public int replayCapacity;
        public double ewcLambda;
        public boolean keepOptimizer;
        public int saveSteps;
        public double maxForgetting;
        public Integer canaryPercent;

        public Builder(TrainOptions o) {
            rank = o.rank; alpha = o.alpha; dropout = o.dropout; targets = o.targets; rslora = o.rslora;
            learningRate = o.learningRate; weightDecay = o.weightDecay; warmupRatio = o.warmupRatio;
            schedule = o.schedule; epochs = o.epochs; maxEpochs = o.maxEpochs; targetExactMatch = o.targetExactMatch;
            targetLoss = o.targetLoss; minLearned = o.minLearned; batchSize = o.batchSize;
            gradientAccumulation = o.gradientAccumulation; maxGradNorm = o.maxGradNorm; seed = o.seed;
            maxLength = o.maxLength; trainOnPrompt = o.trainOnPrompt; skipBadLines = o.skipBadLines;
            format = o.format; evalFraction = o.evalFraction; from = o.from; replayRatio = o.replayRatio;
            replayCapacity = o.replayCapacity; ewcLambda = o.ewcLambda; keepOptimizer = o.keepOptimizer;
            saveSteps = o.saveSteps; maxForgetting = o.maxForgetting; canaryPercent = o.canaryPercent;
        }

        public TrainOptions build() {
            return new TrainOptions(rank, alpha, dropout, targets, rslora, learningRate, weightDecay, warmupRatio,
                    schedule, epochs, maxEpochs, targetExactMatch, targetLoss, minLearned, batchSize, gradientAccumulation, maxGradNorm, seed, maxLength, trainOnPrompt,
                    skipBadLines, format, evalFraction, from, replayRatio, replayCapacity, ewcLambda, keepOptimizer,
                    saveSteps, maxForgetting, canaryPercent);
        }
    }
}
