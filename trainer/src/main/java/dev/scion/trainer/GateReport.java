package dev.scion.trainer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluation gate's figures: the starting adapter against the trained one. "Learned" counts the round's target
 * examples (the new training data, or the held-out data when given) answered exactly by greedy generation;
 * "retained" counts the earlier rounds' examples answered exactly. Losses are mean token losses (teacher-forced);
 * retention figures are 0 / NaN in a first round.
 *
 * @param epochs epochs trained
 * @param targetMet whether the round reached its target (exact match and/or loss)
 * @param forgetting the retention share lost (for a loss-only target: the relative increase of the retention loss);
 *     what {@link TrainOptions#maxForgetting()} is compared with
 * @param rounds the trained adapter's accuracy on each earlier round's data and, last, on this round's own: its
 *     row of the learning matrix (never empty)
 */
public record GateReport(int targetExamples, boolean targetIsTrainingData, int learnedBefore, int learnedAfter,
        double lossBefore, double lossAfter, int epochs, boolean targetMet, int retentionExamples,
        int retainedBefore, int retainedAfter, double retentionLossBefore, double retentionLossAfter,
        double forgetting, List<RoundScore> rounds, boolean passed, String reason) {

    /**
     * One round's data as the trained adapter answers it.
     *
     * @param version the version that round published; 0 for this round's own entry
     */
    public record RoundScore(int version, int examples, int exact) {
        Map<String, Object> toMetrics() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", version);
            m.put("examples", examples);
            m.put("exact", exact);
            return m;
        }
    }

    public GateReport {
        rounds = List.copyOf(rounds);
    }

    public double learnedShareAfter() {
        return share(learnedAfter, targetExamples);
    }

    public double retainedShareAfter() {
        return share(retainedAfter, retentionExamples);
    }

    private static double share(int n, int of) {
        return of == 0 ? Double.NaN : (double) n / of;
    }

    /**
     * The report as the JSON values stored in the version's manifest (NaN becomes null). {@code learning} is the
     * version's row of the learning matrix: {@code earlier} (each earlier round's version, examples and exact
     * answers) and {@code own} (this round's data; the version is the manifest's own).
     */
    public Map<String, Object> toMetrics() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scored_on", targetIsTrainingData ? "training data" : "held-out data");
        m.put("target_examples", targetExamples);
        m.put("learned_before", learnedBefore);
        m.put("learned_after", learnedAfter);
        m.put("learned_share", number(learnedShareAfter()));
        m.put("loss_before", number(lossBefore));
        m.put("loss_after", number(lossAfter));
        m.put("epochs", epochs);
        m.put("target_met", targetMet);
        m.put("retention_examples", retentionExamples);
        m.put("retained_before", retainedBefore);
        m.put("retained_after", retainedAfter);
        m.put("retained_share", number(retainedShareAfter()));
        m.put("retention_loss_before", number(retentionLossBefore));
        m.put("retention_loss_after", number(retentionLossAfter));
        m.put("forgetting", number(forgetting));
        m.put("passed", passed);
        m.put("reason", reason);
        List<Object> earlier = new ArrayList<>();
        for (RoundScore r : rounds.subList(0, rounds.size() - 1)) {
            earlier.add(r.toMetrics());
        }
        RoundScore own = rounds.get(rounds.size() - 1);
        Map<String, Object> ownEntry = new LinkedHashMap<>();
        ownEntry.put("examples", own.examples());
        ownEntry.put("exact", own.exact());
        Map<String, Object> learning = new LinkedHashMap<>();
        learning.put("earlier", earlier);
        learning.put("own", ownEntry);
        m.put("learning", learning);
        return m;
    }

    private static Object number(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
