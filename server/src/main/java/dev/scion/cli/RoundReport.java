package dev.scion.cli;

import dev.scion.trainer.GateReport;
import dev.scion.trainer.RoundResult;
import dev.scion.trainer.data.DataProblem;
import dev.scion.trainer.data.DatasetReport;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * What {@code train} prints once a round has ended: skipped lines, training, the gate's figures, the outcome and
 * the curve's files. The round's own events (data summary, checkpoints, gate, publish) were printed as they came.
 */
final class RoundReport {
    /** Skipped lines listed one by one; the rest are counted, since a broken file may have thousands. */
    static final int MAX_LISTED_PROBLEMS = 10;
    static final int MAX_LISTED_LINES = 20;

    private RoundReport() {}

    /**
     * @param heldOutFromData whether the gate's examples came out of the training file (no --eval-data); with none
     *     held out (--eval-fraction 0) the gate scored the training examples themselves, and the labels say so
     */
    static void print(PrintStream out, RoundResult r, boolean heldOutFromData) {
        DatasetReport data = r.data();
        if (data != null) {
            problems(out, data.problems());
        }
        out.printf(Locale.ROOT, "trained %d examples (+%d replayed per epoch) in %d epochs, %d steps, final loss %s%n",
                r.trainExamples(), r.replayedPerEpoch(), r.epochs(), r.steps(), num(r.finalLoss()));
        if (heldOutFromData && !r.heldOutLines().isEmpty()) {
            List<Integer> lines = r.heldOutLines();
            out.println("held out for the gate: line" + (lines.size() == 1 ? " " : "s ")
                    + String.join(", ", lines.stream().limit(MAX_LISTED_LINES).map(String::valueOf).toList())
                    + (lines.size() > MAX_LISTED_LINES ? ", ... (" + lines.size() + " in all)" : ""));
        }
        gate(out, r.gate(), heldOutFromData && r.heldOutLines().isEmpty() ? "training" : "held-out");
        if (r.isPublished()) {
            out.println("published " + r.published().id());
        } else {
            out.println("not published");
        }
        if (r.lossCsv() != null) {
            out.println("loss curve: " + r.lossCsv());
        }
        if (r.lossPlot() != null) {
            out.println("loss plot:  " + r.lossPlot());
        }
    }

    static void problems(PrintStream out, List<DataProblem> problems) {
        for (int i = 0; i < Math.min(problems.size(), MAX_LISTED_PROBLEMS); i++) {
            out.println("  skipped " + problems.get(i));
        }
        if (problems.size() > MAX_LISTED_PROBLEMS) {
            out.println("  ... and " + (problems.size() - MAX_LISTED_PROBLEMS) + " more skipped lines");
        }
    }

    /** @param scored what the gate's learning check scored: "held-out" or "training" examples */
    static void gate(PrintStream out, GateReport g, String scored) {
        if (g == null) {
            return;
        }
        out.println("gate                        before          after");
        row(out, (scored.equals("training") ? "new" : scored) + " examples learned", count(g.learnedBefore(),
                g.targetExamples()), count(g.learnedAfter(), g.targetExamples()));
        row(out, scored + " loss", num(g.lossBefore()), num(g.lossAfter()));
        if (g.retentionExamples() > 0) {
            row(out, "earlier examples kept", count(g.retainedBefore(), g.retentionExamples()),
                    count(g.retainedAfter(), g.retentionExamples()));
            row(out, "earlier examples' loss", num(g.retentionLossBefore()), num(g.retentionLossAfter()));
            out.printf(Locale.ROOT, "  forgetting %.1f%%%n", 100 * g.forgetting());
        } else {
            out.println("  retention: none yet (no earlier round's data)");
        }
        out.println("  epochs " + g.epochs() + (g.targetMet() ? " (target reached)" : " (target not reached)"));
        out.println("gate " + (g.passed() ? "passed" : "refused") + (g.reason() == null ? "" : ": " + g.reason()));
    }

    /** "12/16 75.0%". */
    static String count(int n, int of) {
        return of == 0 ? "-" : String.format(Locale.ROOT, "%d/%d %.1f%%", n, of, 100.0 * n / of);
    }

    private static void row(PrintStream out, String label, String before, String after) {
        out.printf(Locale.ROOT, "  %-24s  %-14s  %s%n", label, before, after);
    }

    /** A loss; NaN (not measured) as a dash. */
    static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "-";
    }

    /** An accuracy; NaN (answers too long for exact match) as n/a. */
    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : "n/a";
    }
}
