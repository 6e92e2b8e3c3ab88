package dev.scion.trainer;

import dev.scion.engine.runtime.Transformer;
import dev.scion.trainer.data.TrainingExample;
import dev.scion.trainer.lora.LoraParameters;
import java.util.List;

/**
 * The evaluation gate: the round publishes only if the trained adapter does better than the starting one on
 * held-out new data, and loses at most {@link TrainOptions#maxForgetting()} on the retention set drawn from
 * earlier rounds.
 */
final class Gate {
    private final List<TrainingExample> heldOut;
    private final List<TrainingExample> retention;
    private final boolean heldOutFromTraining; // no held-out data: the training examples stand in
    private EvalScore heldOutBefore;
    private EvalScore retentionBefore;

    Gate(List<TrainingExample> heldOut, List<TrainingExample> retention, boolean heldOutFromTraining) {
        this.heldOut = heldOut;
        this.retention = retention;
        this.heldOutFromTraining = heldOutFromTraining;
    }

    /** Scores the starting adapter (null parameters: the base model). */
    void before(Transformer model, LoraParameters start) {
        heldOutBefore = Evaluation.score(model, start, heldOut);
        retentionBefore = retention.isEmpty() ? null : Evaluation.score(model, start, retention);
    }

    GateReport after(Transformer model, LoraParameters trained, double maxForgetting) {
        EvalScore heldOutAfter = Evaluation.score(model, trained, heldOut);
        EvalScore retentionAfter = retention.isEmpty() ? null : Evaluation.score(model, trained, retention);
        double forgetting = 0;
        if (retentionAfter != null) {
            forgetting = Double.isNaN(retentionAfter.accuracy())
                    ? (retentionAfter.loss() - retentionBefore.loss()) / retentionBefore.loss()
                    : retentionBefore.accuracy() - retentionAfter.accuracy();
            forgetting = Math.max(0, forgetting);
        }
        boolean improved = heldOutAfter.loss() < heldOutBefore.loss();
        boolean kept = forgetting <= maxForgetting;
        String what = heldOutFromTraining ? "the training data (no held-out examples)" : "held-out data";
        String reason;
        if (!improved) {
            reason = String.format("loss on %s did not improve (%.4f before, %.4f after)", what,
                    heldOutBefore.loss(), heldOutAfter.loss());
        } else if (!kept) {
            reason = String.format("forgetting %.4f on %d retention examples exceeds --max-forgetting %.4f", forgetting,
                    retention.size(), maxForgetting);
        } else {
            reason = String.format("loss on %s improved (%.4f to %.4f); forgetting %.4f within %.4f", what,
                    heldOutBefore.loss(), heldOutAfter.loss(), forgetting, maxForgetting);
        }
        return new GateReport(heldOut.size(), heldOutBefore.loss(), heldOutAfter.loss(), heldOutBefore.accuracy(),
                heldOutAfter.accuracy(), retention.size(), retentionBefore == null ? Double.NaN : retentionBefore.loss(),
                retentionAfter == null ? Double.NaN : retentionAfter.loss(),
                retentionBefore == null ? Double.NaN : retentionBefore.accuracy(),
                retentionAfter == null ? Double.NaN : retentionAfter.accuracy(), forgetting, improved && kept, reason);
    }
}
