package dev.scion.trainer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The evaluation gate's figures: the starting adapter against the trained one, on held-out new data and on the
 * retention set from earlier rounds. Accuracies are NaN where answers are too long for exact match; retention
 * figures are NaN in a first round.
 *
 * @param forgetting what {@link TrainOptions#maxForgetting()} is compared with (see there); 0 without retention data
 */
public record GateReport(int heldOutExamples, double heldOutLossBefore, double heldOutLossAfter,
        double heldOutAccuracyBefore, double heldOutAccuracyAfter, int retentionExamples,
        double retentionLossBefore, double retentionLossAfter, double retentionAccuracyBefore,
        double retentionAccuracyAfter, double forgetting, boolean passed, String reason) {

    /** The report as the JSON values stored in the version's manifest (NaN becomes null). */
    public Map<String, Object> toMetrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("held_out_examples", heldOutExamples);
        m.put("held_out_loss_before", number(heldOutLossBefore));
        m.put("held_out_loss_after", number(heldOutLossAfter));
        m.put("held_out_accuracy_before", number(heldOutAccuracyBefore));
        m.put("held_out_accuracy_after", number(heldOutAccuracyAfter));
        m.put("retention_examples", retentionExamples);
        m.put("retention_loss_before", number(retentionLossBefore));
        m.put("retention_loss_after", number(retentionLossAfter));
        m.put("retention_accuracy_before", number(retentionAccuracyBefore));
        m.put("retention_accuracy_after", number(retentionAccuracyAfter));
        m.put("forgetting", number(forgetting));
        m.put("passed", passed);
        m.put("reason", reason);
        return m;
    }

    private static Object number(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
