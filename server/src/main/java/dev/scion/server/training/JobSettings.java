package dev.scion.server.training;

import dev.scion.engine.model.Projection;
import dev.scion.trainer.TrainOptions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Scion's own job settings (the request's {@code scion} object), each null when the trainer's default applies.
 *
 * @param targets PEFT module names ({@code q_proj}, ...) or {@code all-linear}
 * @param canaryPercent the new version starts as a canary with this share of traffic; null: it serves at once
 * @param saveSteps a checkpoint every this many optimizer steps, from which an interrupted job resumes
 * @param maxEpochs most epochs a job training to its target ({@code n_epochs} "auto") may take
 * @param targetExactMatch share of the new examples answered exactly at which such a job stops
 * @param minLearned share of the new examples that must be answered exactly for the gate to publish
 */
public record JobSettings(Integer rank, Double alpha, List<String> targets, Double replayRatio, Double ewcLambda,
        Integer canaryPercent, Double maxForgetting, Integer saveSteps, Integer maxEpochs, Double targetExactMatch,
        Double minLearned) {

    public static final JobSettings DEFAULTS = new JobSettings(null, null, null, null, null, null, null, null, null,
            null, null);

    public JobSettings {
        targets = targets == null ? null : List.copyOf(targets);
    }

    /** Refuses a target name that is none of the seven projections nor {@code all-linear}. */
    public static void check(List<String> targets) {
        projections(targets);
    }

    /** The projections {@code targets} names; IllegalArgumentException for a name that is none of them. */
    static Set<Projection> projections(List<String> targets) {
        Set<Projection> out = EnumSet.noneOf(Projection.class);
        for (String t : targets) {
            if (t.equals("all-linear")) {
                out.addAll(EnumSet.allOf(Projection.class));
            } else if (Projection.fromModule(t) != null) {
                out.add(Projection.fromModule(t));
            } else {
                throw new IllegalArgumentException("'" + t + "' is not a LoRA target: use q_proj, k_proj, v_proj, "
                        + "o_proj, gate_proj, up_proj, down_proj or all-linear");
            }
        }
        return out;
    }

    /**
     * The trainer's options for a job: its defaults, changed by the hyperparameters and these settings.
     *
     * @param from where the round starts ({@code latest}, {@code base} or a version number)
     * @throws IllegalArgumentException a combination the trainer refuses
     */
    public TrainOptions options(Hyperparameters h, long seed, String from) {
        TrainOptions defaults = TrainOptions.defaults();
        return defaults.with(b -> {
            b.epochs = h.nEpochs();
            b.batchSize = h.batchSize();
            b.learningRate = defaults.learningRate() * h.learningRateMultiplier();
            b.seed = seed;
            b.from = from;
            if (rank != null) {
                b.rank = rank;
            }
            if (alpha != null) {
                b.alpha = alpha;
            }
            if (targets != null) {
                b.targets = projections(targets);
            }
            if (replayRatio != null) {
                b.replayRatio = replayRatio;
            }
            if (ewcLambda != null) {
                b.ewcLambda = ewcLambda;
            }
            b.canaryPercent = canaryPercent;
            if (maxForgetting != null) {
                b.maxForgetting = maxForgetting;
            }
            if (saveSteps != null) {
                b.saveSteps = saveSteps;
            }
            if (maxEpochs != null) {
                b.maxEpochs = maxEpochs;
            }
            if (targetExactMatch != null) {
                b.targetExactMatch = targetExactMatch;
            }
            if (minLearned != null) {
                b.minLearned = minLearned;
            }
        });
    }
}
