package dev.scion.trainer.loop;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the end of one epoch measured, and what was decided: the round's target examples answered exactly, the
 * earlier rounds' retention sample kept, and the EWC strength for the next epoch.
 *
 * @param step optimizer steps completed at the end of the epoch
 * @param trainingLoss mean token loss of the epoch's steps (new and replayed examples)
 * @param evalLoss mean token loss on the target examples; NaN unless a loss target is set
 * @param ewcLambda the EWC strength the next epoch trains with (0 without EWC)
 * @param learningRateScale the factor on the schedule's learning rate for the next epoch
 * @param targetMet whether the target was reached
 * @param stop whether the round stops here (target reached, forgetting within budget)
 */
public record EpochCheck(int epoch, int step, int learned, int examples, int retained, int retentionExamples,
        double trainingLoss, double evalLoss, double ewcLambda, double learningRateScale, boolean targetMet,
        boolean stop) {

    /** The share of target examples answered exactly. */
    public double learnedShare() {
        return examples == 0 ? Double.NaN : (double) learned / examples;
    }

    /** The check as JSON values (NaN as null): in checkpoints and in the round's report. */
    public Map<String, Object> toState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", epoch);
        m.put("step", step);
        m.put("learned", learned);
        m.put("examples", examples);
        m.put("retained", retained);
        m.put("retention_examples", retentionExamples);
        m.put("training_loss", Double.isFinite(trainingLoss) ? trainingLoss : null);
        m.put("eval_loss", Double.isFinite(evalLoss) ? evalLoss : null);
        m.put("ewc_lambda", ewcLambda);
        m.put("learning_rate_scale", learningRateScale);
        m.put("target_met", targetMet);
        m.put("stop", stop);
        return m;
    }

    static EpochCheck fromState(Map<?, ?> m) {
        return new EpochCheck(integer(m, "epoch"), integer(m, "step"), integer(m, "learned"), integer(m, "examples"),
                integer(m, "retained"), integer(m, "retention_examples"), number(m, "training_loss"),
                number(m, "eval_loss"), number(m, "ewc_lambda"),
                m.get("learning_rate_scale") instanceof Number n ? n.doubleValue() : 1,
                Boolean.TRUE.equals(m.get("target_met")),
                Boolean.TRUE.equals(m.get("stop")));
    }

    private static int integer(Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof Number n)) {
            throw new IllegalStateException("epoch check without " + key);
        }
        return n.intValue();
    }

    private static double number(Map<?, ?> m, String key) {
        return m.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
