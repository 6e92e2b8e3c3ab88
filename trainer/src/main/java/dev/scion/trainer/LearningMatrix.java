package dev.scion.trainer;

import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.AdapterStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The continual-learning report of one version: the rounds it descends from, oldest first, and {@code exact[i][j]},
 * how many of round j's examples the version round i published answers exactly (j &lt;= i), read from the rows
 * the gate stored in each version's manifest. Backward transfer (Lopez-Paz and Ranzato, 2017) is the mean over
 * earlier rounds of {@code R[T][j] - R[j][j]}; average forgetting (Chaudhry et al., 2018) the mean over earlier
 * rounds of the best earlier accuracy on round j minus the last one. Both are NaN with fewer than two rounds.
 *
 * @param versions the versions of the lineage that carry a learning row, oldest first
 * @param examples per round: its examples
 * @param exact per row i, per column j &lt;= i: exact answers, or -1 where the row lacks that round
 */
public record LearningMatrix(String adapter, List<Integer> versions, int[] examples, int[][] exact) {

    /** The matrix of {@code version} of {@code adapter} (its lineage); versions without a row are left out. */
    public static LearningMatrix of(AdapterStore store, String adapter, int version) throws IOException {
        List<Integer> versions = new ArrayList<>();
        List<Map<?, ?>> rows = new ArrayList<>();
        for (int v : EarlierRounds.lineage(store, adapter, version)) {
            AdapterManifest m = store.resolve(adapter, v);
            if (m.metrics().get("learning") instanceof Map<?, ?> row && row.get("own") instanceof Map<?, ?>) {
                versions.add(v);
                rows.add(row);
            }
        }
        int n = versions.size();
        int[] examples = new int[n];
        int[][] exact = new int[n][];
        for (int i = 0; i < n; i++) {
            exact[i] = new int[i + 1];
            Arrays.fill(exact[i], -1);
            Map<?, ?> own = (Map<?, ?>) rows.get(i).get("own");
            examples[i] = intOf(own.get("examples"));
            exact[i][i] = intOf(own.get("exact"));
            if (rows.get(i).get("earlier") instanceof List<?> earlier) {
                for (Object o : earlier) {
                    if (o instanceof Map<?, ?> e) {
                        int column = versions.indexOf(intOf(e.get("version")));
                        if (column >= 0 && column < i) {
                            exact[i][column] = intOf(e.get("exact"));
                        }
                    }
                }
            }
        }
        return new LearningMatrix(adapter, List.copyOf(versions), examples, exact);
    }

    private static int intOf(Object o) {
        return o instanceof Number n ? n.intValue() : -1;
    }

    public int rounds() {
        return versions.size();
    }

    /** Accuracy of row i's version on round j's data; NaN where not measured. */
    public double accuracy(int i, int j) {
        int e = j <= i ? exact[i][j] : -1;
        return e < 0 || examples[j] == 0 ? Double.NaN : (double) e / examples[j];
    }

    /** Mean over earlier rounds of (last row's accuracy - the accuracy right after learning it). */
    public double backwardTransfer() {
        int t = rounds() - 1;
        if (t < 1) {
            return Double.NaN;
        }
        double sum = 0;
        int n = 0;
        for (int j = 0; j < t; j++) {
            double d = accuracy(t, j) - accuracy(j, j);
            if (Double.isFinite(d)) {
                sum += d;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Mean over earlier rounds of (best accuracy on it before the last row - the last row's). */
    public double averageForgetting() {
        int t = rounds() - 1;
        if (t < 1) {
            return Double.NaN;
        }
        double sum = 0;
        int n = 0;
        for (int j = 0; j < t; j++) {
            double best = Double.NaN;
            for (int l = j; l < t; l++) {
                double a = accuracy(l, j);
                best = Double.isNaN(best) || a > best ? a : best;
            }
            double d = best - accuracy(t, j);
            if (Double.isFinite(d)) {
                sum += d;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The matrix as a text table: a row per version, a column per round's data. */
    public String table() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-14s", "after \\ data"));
        for (int v : versions) {
            out.append(String.format(Locale.ROOT, " %14s", "round @" + v));
        }
        out.append('\n');
        for (int i = 0; i < rounds(); i++) {
            out.append(String.format(Locale.ROOT, "%-14s", adapter + "@" + versions.get(i)));
            for (int j = 0; j < rounds(); j++) {
                String cell = j > i || exact[i][j] < 0 ? "" : String.format(Locale.ROOT, "%d/%d %.0f%%",
                        exact[i][j], examples[j], 100 * accuracy(i, j));
                out.append(String.format(Locale.ROOT, " %14s", cell));
            }
            out.append('\n');
        }
        out.append(String.format(Locale.ROOT, "backward transfer %s, average forgetting %s%n",
                signedPercent(backwardTransfer()), signedPercent(averageForgetting())));
        return out.toString();
    }

    private static String signedPercent(double v) {
        return Double.isNaN(v) ? "n/a (one round)" : String.format(Locale.ROOT, "%+.1f%%", 100 * v);
    }
}
