package dev.scion.trainer.loop;

import dev.scion.trainer.TrainOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * When a round that trains to its target stops, and the EWC weight it trains with: the state the end-of-epoch
 * checks build up. It is part of every checkpoint, so a resumed round neither repeats a check nor decides
 * differently: the stopping epoch is the uninterrupted round's.
 */
public final class RoundTarget implements TrainingLoop.Adjustments {
    private final TrainOptions options;
    private final double startLambda;
    private final int retainedBefore; // the starting adapter on the retention sample
    private final List<EpochCheck> checks = new ArrayList<>();
    private double lambda;
    private double learningRateScale = 1;

    /** @param lambda the starting EWC weight, 0 when the round has no EWC penalty */
    public RoundTarget(TrainOptions options, double lambda, int retainedBefore) {
        this.options = options;
        this.startLambda = lambda;
        this.lambda = lambda;
        this.retainedBefore = retainedBefore;
    }

    /** The EWC weight the next step trains with. */
    @Override
    public double ewcLambda() {
        return lambda;
    }

    /** The factor on the schedule's learning rate the next step trains with. */
    @Override
    public double learningRateScale() {
        return learningRateScale;
    }

    public List<EpochCheck> checks() {
        return Collections.unmodifiableList(checks);
    }

    /** Whether a check has stopped the round. */
    public boolean stopped() {
        return !checks.isEmpty() && checks.get(checks.size() - 1).stop();
    }

    /** The epochs trained so far, as the last check saw them (0 before the first). */
    public int epochsChecked() {
        return checks.isEmpty() ? 0 : checks.get(checks.size() - 1).epoch();
    }

    /** Whether these figures meet the round's target. */
    public static boolean meets(TrainOptions options, int learned, int examples, double evalLoss) {
        boolean exact = options.targetExactMatch() <= 0
                || (examples > 0 && learned >= Math.ceil(options.targetExactMatch() * examples - 1e-9));
        boolean loss = options.targetLoss() == null || evalLoss <= options.targetLoss();
        return exact && loss;
    }

    /** The share of the retention sample lost since the round began. */
    public double forgetting(int retained, int retentionExamples) {
        return retentionExamples == 0 ? 0 : Math.max(0, (double) (retainedBefore - retained) / retentionExamples);
    }

    /** Records the end of an epoch and decides: stop, and the EWC weight and learning rate of the next epoch. */
    public EpochCheck check(int epoch, int step, int learned, int examples, int retained, int retentionExamples,
            double trainingLoss, double evalLoss) {
        double forgetting = forgetting(retained, retentionExamples);
        boolean met = meets(options, learned, examples, evalLoss);
        boolean stop = met && forgetting <= options.maxForgetting();
        EpochCheck previous = checks.isEmpty() ? null : checks.get(checks.size() - 1);
        lambda = stop ? lambda : EwcStrength.next(lambda, startLambda, previous, learned, trainingLoss, forgetting,
                options.maxForgetting());
        learningRateScale = stop ? learningRateScale
                : LearningRateBackoff.next(learningRateScale, previous, trainingLoss);
        EpochCheck check = new EpochCheck(epoch, step, learned, examples, retained, retentionExamples, trainingLoss,
                evalLoss, lambda, learningRateScale, met, stop);
        checks.add(check);
        return check;
    }

    /** The checks and weight as checkpoint state. */
    public void saveTo(Map<String, Object> state) {
        List<Object> list = new ArrayList<>();
        checks.forEach(c -> list.add(c.toState()));
        state.put("epoch_checks", list);
        state.put("ewc_lambda", lambda);
        state.put("learning_rate_scale", learningRateScale);
    }

    /** Restores what {@link #saveTo} wrote; a checkpoint without checks (a fixed-epoch round's) leaves it empty. */
    public void restoreFrom(Map<String, Object> state) {
        checks.clear();
        lambda = startLambda;
        learningRateScale = 1;
        if (state.get("epoch_checks") instanceof List<?> list) {
            for (Object o : list) {
                checks.add(EpochCheck.fromState((Map<?, ?>) o));
            }
        }
        if (state.get("ewc_lambda") instanceof Number n) {
            lambda = n.doubleValue();
        }
        if (state.get("learning_rate_scale") instanceof Number n) {
            learningRateScale = n.doubleValue();
        }
    }
}
