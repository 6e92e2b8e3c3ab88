package dev.scion.trainer.progress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An axis scale with "nice" tick values (1, 2 or 5 times a power of ten).
 *
 * @param low the axis' lowest value
 * @param high the axis' highest value
 * @param step the distance between ticks, which sit on multiples of it between low and high
 */
record Ticks(double low, double high, double step) {

    /** A value axis, widened to start and end on a tick so the curve never touches the frame. */
    static Ticks of(double min, double max, int maxTicks) {
        Ticks t = exact(min, max, maxTicks, false);
        return new Ticks(Math.floor(min / t.step) * t.step, Math.ceil(max / t.step) * t.step, t.step);
    }

    /**
     * An axis from exactly min to max, the ends not necessarily ticks: a step axis, so that the curve spans the
     * whole width from the first step to the last.
     *
     * @param integer whether the values are counts (steps), which never get fractional ticks
     */
    static Ticks exact(double min, double max, int maxTicks, boolean integer) {
        if (!(max > min)) {
            throw new IllegalArgumentException("an axis needs max > min, got " + min + ".." + max);
        }
        double step = nice((max - min) / Math.max(1, maxTicks - 1));
        if (integer) {
            step = Math.max(1, Math.round(step));
        }
        return new Ticks(min, max, step);
    }

    /** The smallest of 1, 2, 5 times a power of ten that is at least {@code x}. */
    private static double nice(double x) {
        double power = Math.pow(10, Math.floor(Math.log10(x)));
        double f = x / power;
        double n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return n * power;
    }

    List<Double> values() {
        List<Double> values = new ArrayList<>();
        long first = (long) Math.ceil(low / step - 1e-9);
        long last = (long) Math.floor(high / step + 1e-9);
        for (long i = first; i <= last; i++) {
            values.add(i * step);
        }
        return values;
    }

    /** A tick's label with as many decimals as the step needs; scientific for tiny or huge scales. */
    String label(double v) {
        if (Math.abs(v) < step * 1e-9) {
            return "0";
        }
        if (step < 1e-3 || Math.abs(high) >= 1e6) {
            // 2.0e-03 reads worse than 2e-3: drop a zero fraction and the exponent's leading zeros
            String s = String.format(Locale.ROOT, "%.1e", v).replace(".0e", "e");
            return s.replaceAll("e([+-])0+(\\d)", "e$1$2").replace("e+", "e");
        }
        int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
