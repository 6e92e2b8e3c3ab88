package dev.scion.trainer;

import dev.scion.engine.runtime.Transformer;
import dev.scion.trainer.data.TrainingExample;
import dev.scion.trainer.eval.AnswerScore;
import dev.scion.trainer.eval.GreedyAnswers;
import dev.scion.trainer.loop.RoundTarget;
import dev.scion.trainer.lora.LoraParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The evaluation gate: the round publishes only if it learned its new data (reached its target, or answers at
 * least {@link TrainOptions#minLearned()} of the target examples exactly) and lost at most
 * {@link TrainOptions#maxForgetting()} of the earlier rounds' examples it answered before. Exact answers are
 * generated greedily by the batch generator, as a served request with temperature 0 would be.
 */
final class Gate {
    private final GreedyAnswers answers;
    private final Transformer model;
    private final TrainOptions options;
    private final List<TrainingExample> target;
    private final List<TrainingExample> train;
    private final boolean targetIsTraining;
    private final EarlierRounds earlier;
    private AnswerScore learnedBefore;
    private double lossBefore;
    private final List<AnswerScore> roundsBefore = new ArrayList<>();
    private double retentionLossBefore = Double.NaN;

    /**
     * @param target the examples learning is judged on: {@code train} itself, or held-out data
     * @param train the round's new training examples (its own entry of the learning matrix)
     */
    Gate(GreedyAnswers answers, Transformer model, TrainOptions options, List<TrainingExample> target,
            List<TrainingExample> train, boolean targetIsTraining, EarlierRounds earlier) {
        this.answers = answers;
        this.model = model;
        this.options = options;
        this.target = target;
        this.train = train;
        this.targetIsTraining = targetIsTraining;
        this.earlier = earlier;
    }

    /** Scores the starting adapter (null parameters: the base model). */
    void before(LoraParameters start) {
        var adapter = start == null ? null : start.toAdapter("start");
        learnedBefore = answers.score(adapter, target);
        lossBefore = Evaluation.score(model, start, target).loss();
        for (EarlierRounds.Round r : earlier.rounds()) {
            roundsBefore.add(answers.score(adapter, r.examples()));
        }
        if (!earlier.isEmpty()) {
            retentionLossBefore = Evaluation.score(model, start, earlier.all()).loss();
        }
    }

    /** The starting adapter's answers to the earlier rounds' examples, in {@link EarlierRounds#all()} order. */
    boolean[] retainedBefore() {
        List<Boolean> flat = new ArrayList<>();
        for (AnswerScore s : roundsBefore) {
            for (boolean b : s.correct()) {
                flat.add(b);
            }
        }
        boolean[] out = new boolean[flat.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = flat.get(i);
        }
        return out;
    }

    int learnedBeforeCount() {
        return learnedBefore.exact();
    }

    /** Scores the trained adapter and decides. */
    GateReport after(LoraParameters trained, int epochs) {
        var adapter = trained.toAdapter("trained");
        AnswerScore learned = answers.score(adapter, target);
        double lossAfter = Evaluation.score(model, trained, target).loss();
        List<GateReport.RoundScore> rows = new ArrayList<>();
        int retainedBefore = 0;
        int retainedAfter = 0;
        int retention = 0;
        for (int i = 0; i < earlier.rounds().size(); i++) {
            EarlierRounds.Round r = earlier.rounds().get(i);
            AnswerScore after = answers.score(adapter, r.examples());
            rows.add(new GateReport.RoundScore(r.version(), r.examples().size(), after.exact()));
            retainedBefore += roundsBefore.get(i).exact();
            retainedAfter += after.exact();
            retention += r.examples().size();
        }
        AnswerScore own = targetIsTraining ? learned : answers.score(adapter, train);
        rows.add(new GateReport.RoundScore(0, train.size(), own.exact()));
        double retentionLossAfter = earlier.isEmpty() ? Double.NaN : Evaluation.score(model, trained, earlier.all())
                .loss();

        boolean lossOnly = options.targetExactMatch() <= 0;
        double forgetting = retention == 0 ? 0 : lossOnly
                ? Math.max(0, (retentionLossAfter - retentionLossBefore) / retentionLossBefore)
                : Math.max(0, (double) (retainedBefore - retainedAfter) / retention);
        boolean met = RoundTarget.meets(options, learned.exact(), learned.examples(), lossAfter);
        int needed = (int) Math.ceil(options.minLearned() * target.size() - 1e-9);
        boolean learnedEnough = met || learned.exact() >= needed;
        boolean kept = forgetting <= options.maxForgetting();
        String what = targetIsTraining ? "new examples" : "held-out examples";
        String learnedText = String.format(Locale.ROOT, "learned %d/%d %s (%.1f%%) in %d epoch%s", learned.exact(),
                target.size(), what, 100.0 * learned.accuracy(), epochs, epochs == 1 ? "" : "s");
        if (options.targetLoss() != null) {
            learnedText += String.format(Locale.ROOT, ", loss %.4f (target %.4f)", lossAfter, options.targetLoss());
        }
        String keptText = retention == 0 ? "no earlier rounds to keep"
                : String.format(Locale.ROOT, "kept %d/%d earlier examples (%.1f%%; was %d/%d)", retainedAfter,
                        retention, 100.0 * retainedAfter / retention, retainedBefore, retention);
        String reason;
        if (!learnedEnough) {
            reason = learnedText + "; the gate needs " + needed + "/" + target.size() + " (--min-learned "
                    + options.minLearned() + ")" + "; " + keptText;
        } else if (!kept) {
            reason = learnedText + "; " + keptText + String.format(Locale.ROOT,
                    ": forgetting %.1f%% exceeds --max-forgetting %.1f%%", 100 * forgetting,
                    100 * options.maxForgetting());
        } else {
            reason = learnedText + (met ? "" : " (short of the target, above --min-learned)") + "; " + keptText;
        }
        return new GateReport(target.size(), targetIsTraining, learnedBefore.exact(), learned.exact(), lossBefore,
                lossAfter, epochs, met, retention, retainedBefore, retainedAfter, retentionLossBefore,
                retentionLossAfter, forgetting, rows, learnedEnough && kept, reason);
    }
}
