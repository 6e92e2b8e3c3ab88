package dev.scion.trainer.progress;

import dev.scion.engine.io.AtomicFiles;
import dev.scion.trainer.StepProgress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A round's loss curve: one {@link Point} per optimizer step, written as {@code loss.csv} and drawn as
 * {@code loss.png}. Both files are written atomically (temp file, then rename), so a reader never sees half a
 * curve. Safe to share between the training thread that records and a thread that writes or reads it.
 */
public final class LossCurve {
    /** The CSV's header line; {@link #readCsv} insists on it so a wrong file is refused, not misread. */
    public static final String CSV_HEADER = "step,loss,learning_rate,grad_norm";

    /** One optimizer step's figures. */
    public record Point(int step, double loss, double learningRate, double gradNorm) {
        public Point {
            if (step < 1) {
                throw new IllegalArgumentException("steps start at 1, got " + step);
            }
        }
    }

    private final List<Point> points = new ArrayList<>();

    public LossCurve() {}

    /** A curve holding these points, in order of strictly increasing step. */
    public LossCurve(List<Point> points) {
        points.forEach(this::add);
    }

    /** Records the step's loss, learning rate and gradient norm; see {@link #add}. */
    public void record(StepProgress progress) {
        add(new Point(progress.step(), progress.loss(), progress.learningRate(), progress.gradNorm()));
    }

    /**
     * Adds a point. A step at or before the last one drops the points from that step on first: a resumed round
     * restarts from its checkpoint, which may be older than the last step the curve saw, and redoes those steps.
     */
    public synchronized void add(Point point) {
        while (!points.isEmpty() && points.get(points.size() - 1).step() >= point.step()) {
            points.remove(points.size() - 1);
        }
        points.add(point);
    }

    public synchronized List<Point> points() {
        return List.copyOf(points);
    }

    public synchronized boolean isEmpty() {
        return points.isEmpty();
    }

    /** Writes the header line and one line per step; an empty curve writes the header alone. */
    public void writeCsv(Path file) throws IOException {
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (Point p : points()) {
            // Double.toString round-trips exactly and never uses a locale's decimal comma.
            csv.append(p.step()).append(',').append(p.loss()).append(',').append(p.learningRate()).append(',')
                    .append(p.gradNorm()).append('\n');
        }
        AtomicFiles.write(file, csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Draws the curve as a PNG of the default size; see {@link LossChart}. */
    public void writePng(Path file) throws IOException {
        writePng(file, LossChart.DEFAULT_WIDTH, LossChart.DEFAULT_HEIGHT);
    }

    /**
     * Draws the loss (left axis) and the learning rate (right axis) over the steps. An empty curve gives a
     * placeholder image saying so rather than an exception, so a round that ends before its first step still
     * leaves a valid file at the path it reports.
     */
    public void writePng(Path file, int width, int height) throws IOException {
        byte[] png = LossChart.png(points(), width, height);
        AtomicFiles.write(file, png);
    }

    /**
     * Reads a curve {@link #writeCsv} wrote, so a resumed round can continue it.
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it is not such a curve, naming the file, line and column
     */
    public static LossCurve readCsv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).strip().equals(CSV_HEADER)) {
            throw new IllegalArgumentException(file + ":1: expected the header line '" + CSV_HEADER + "'");
        }
        LossCurve curve = new LossCurve();
        int lastStep = 0;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int lineNumber = i + 1;
            String[] cells = line.split(",", -1);
            if (cells.length != 4) {
                throw new IllegalArgumentException(file + ":" + lineNumber + ": expected 4 values (" + CSV_HEADER
                        + "), got " + cells.length);
            }
            int step = (int) parse(file, lineNumber, "step", cells[0], true);
            if (step <= lastStep) {
                throw new IllegalArgumentException(file + ":" + lineNumber + ": step: " + step
                        + " does not follow step " + lastStep);
            }
            lastStep = step;
            curve.add(new Point(step, parse(file, lineNumber, "loss", cells[1], false),
                    parse(file, lineNumber, "learning_rate", cells[2], false),
                    parse(file, lineNumber, "grad_norm", cells[3], false)));
        }
        return curve;
    }

    private static double parse(Path file, int line, String column, String text, boolean positiveInt) {
        try {
            if (positiveInt) {
                int v = Integer.parseInt(text.strip());
                if (v < 1) {
                    throw new NumberFormatException();
                }
                return v;
            }
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ":" + line + ": " + column + ": '" + text + "' is not "
                    + (positiveInt ? "a step number (1 or more)" : "a number"));
        }
    }
}
