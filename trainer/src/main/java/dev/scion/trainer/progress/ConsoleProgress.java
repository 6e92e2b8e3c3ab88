package dev.scion.trainer.progress;

import dev.scion.trainer.StepProgress;
import dev.scion.trainer.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Training progress on a console. On a terminal one line is redrawn in place ({@code \r}) at every step:
 * <pre>  step  37/120 [########..............]  31% ep 4  loss 1.2345  lr 1.80e-03  412 tok/s  ETA 0:42</pre>
 * Anywhere else (a log file, a pipe, CI) carriage returns would pile up into one endless line, so the same text
 * is printed as a plain line at the first and last step, every {@code everySteps} steps, and whenever
 * {@code everyNanos} have passed since the last line. Events always get a line of their own.
 *
 * <p>Called from the training thread; {@link #finish} may come from another, hence the synchronisation.
 */
public final class ConsoleProgress implements TrainingListener {
    private static final int BAR_WIDTH = 24;
    private static final long DEFAULT_EVERY_NANOS = 10_000_000_000L;
    private static final int DEFAULT_EVERY_STEPS = 10;

    private final PrintStream out;
    private final boolean interactive;
    private final int everySteps;
    private final long everyNanos;
    private final LongSupplier nanoTime;

    /** Length of the bar currently on screen (interactive) so a shorter redraw can blank its tail; 0: none. */
    private int shownLength;
    private String lastBar;
    private long lastPrinted;
    private boolean printedAny;

    /** Progress on {@code out}, redrawn in place when this JVM has a terminal (System.console() != null). */
    public ConsoleProgress(PrintStream out) {
        this(out, System.console() != null, DEFAULT_EVERY_STEPS, DEFAULT_EVERY_NANOS, System::nanoTime);
    }

    /**
     * @param interactive redraw one line in place instead of printing lines
     * @param everySteps when not interactive, print every this many steps (and at the first and last)
     * @param everyNanos when not interactive, also print when this long has passed since the last line
     * @param nanoTime the clock, {@code System::nanoTime} outside tests
     */
    public ConsoleProgress(PrintStream out, boolean interactive, int everySteps, long everyNanos,
            LongSupplier nanoTime) {
        this.out = Objects.requireNonNull(out, "out");
        if (everySteps < 1 || everyNanos < 1) {
            throw new IllegalArgumentException("everySteps and everyNanos must be positive");
        }
        this.interactive = interactive;
        this.everySteps = everySteps;
        this.everyNanos = everyNanos;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public synchronized void onStep(StepProgress p) {
        String bar = format(p);
        if (interactive) {
            String pad = " ".repeat(Math.max(0, shownLength - bar.length()));
            out.print("\r" + bar + pad);
            shownLength = bar.length();
            lastBar = bar;
            if (p.step() >= p.totalSteps()) {
                endBarLine();
            }
            out.flush();
            return;
        }
        long now = nanoTime.getAsLong();
        boolean due = !printedAny || p.step() >= p.totalSteps() || p.step() % everySteps == 0
                || now - lastPrinted >= everyNanos;
        if (due) {
            out.println(bar);
            out.flush();
            lastPrinted = now;
            printedAny = true;
        }
    }

    @Override
    public synchronized void onEvent(String message) {
        if (interactive && shownLength > 0) {
            // blank the bar, print the event where it was, then bring the bar back below it
            out.print("\r" + " ".repeat(shownLength) + "\r");
            out.println(message);
            out.print(lastBar);
        } else {
            out.println(message);
        }
        out.flush();
    }

    /** Ends a bar left open (a round that stopped before its last step) so later output starts on a new line. */
    public synchronized void finish() {
        endBarLine();
        out.flush();
    }

    private void endBarLine() {
        if (shownLength > 0) {
            out.println();
            shownLength = 0;
        }
    }

    /** The progress line for one step, without line ending. */
    public static String format(StepProgress p) {
        int total = Math.max(p.totalSteps(), 1);
        double done = Math.min(1.0, Math.max(0.0, p.step() / (double) total));
        int filled = (int) Math.round(done * BAR_WIDTH);
        String width = String.valueOf(total);
        return String.format(Locale.ROOT, "step %" + width.length() + "d/%d [%s%s] %3d%% ep %d  loss %s  lr %s  %s tok/s"
                        + "  ETA %s",
                p.step(), p.totalSteps(), "#".repeat(filled), ".".repeat(BAR_WIDTH - filled),
                Math.round(done * 100), p.epoch(), number(p.loss(), "%.4f"), number(p.learningRate(), "%.2e"),
                number(p.tokensPerSecond(), "%.0f"), duration(p.etaSeconds()));
    }

    private static String number(double v, String format) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : (Double.isNaN(v) ? "nan" : "inf");
    }

    /** {@code m:ss} or {@code h:mm:ss}; {@code --:--} while unknown. */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "--:--";
        }
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
