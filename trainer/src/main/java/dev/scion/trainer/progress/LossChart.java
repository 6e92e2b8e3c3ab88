package dev.scion.trainer.progress;

import dev.scion.trainer.progress.LossCurve.Point;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Draws a loss curve as a PNG with java.awt alone: the loss on the left axis, the learning rate dashed on the
 * right axis, steps along the bottom, grid lines at the ticks.
 */
final class LossChart {
    static final int DEFAULT_WIDTH = 800;
    static final int DEFAULT_HEIGHT = 480;

    static final Color BACKGROUND = Color.WHITE;
    static final Color LOSS_COLOR = new Color(0x1f, 0x77, 0xb4);
    static final Color LR_COLOR = new Color(0xff, 0x7f, 0x0e);
    private static final Color GRID = new Color(0xe4, 0xe4, 0xe4);
    private static final Color AXIS = new Color(0x55, 0x55, 0x55);

    /** Plot-area margins: room for tick labels and axis titles on each side. */
    static final int LEFT = 72;
    static final int RIGHT = 80;
    static final int TOP = 36;
    static final int BOTTOM = 52;

    static {
        // A server has no display: without headless mode AWT may try to reach X11 (and fail with no DISPLAY) or,
        // on macOS, open a dock icon. Drawing into a BufferedImage needs neither. An explicit setting is kept.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private LossChart() {}

    static byte[] png(List<Point> points, int width, int height) throws IOException {
        if (width < 200 || height < 150 || width > 8192 || height > 8192) {
            throw new IllegalArgumentException("a loss chart must be 200x150 to 8192x8192 pixels, got "
                    + width + "x" + height);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, height);
            new Drawing(g, points, width, height).draw();
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("this Java runtime has no PNG writer");
        }
        return out.toByteArray();
    }

    /** One chart being drawn: the plot area and the scales. */
    private static final class Drawing {
        private final Graphics2D g;
        private final List<Point> points;
        private final int x0;
        private final int x1;
        private final int y0;
        private final int y1;

        Drawing(Graphics2D g, List<Point> points, int width, int height) {
            this.g = g;
            this.points = points;
            this.x0 = LEFT;
            this.x1 = width - RIGHT;
            this.y0 = height - BOTTOM;
            this.y1 = TOP;
        }

        void draw() {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            double[] loss = range(points, true);
            if (loss == null) {
                frame();
                text(points.isEmpty() ? "no training steps recorded yet" : "no finite loss to plot",
                        (x0 + x1) / 2, (y0 + y1) / 2, 0);
                return;
            }
            double firstStep = points.get(0).step();
            double lastStep = points.get(points.size() - 1).step();
            if (lastStep == firstStep) {
                firstStep -= 1; // one point: give the axis some width around it
                lastStep += 1;
            }
            Ticks stepTicks = Ticks.exact(firstStep, lastStep, 8, true);
            Ticks lossTicks = Ticks.of(loss[0], loss[1], 6);
            double[] lr = range(points, false);
            Ticks lrTicks = lr == null ? null : Ticks.of(0, lr[1], 6);

            grid(stepTicks, lossTicks);
            frame();
            g.setColor(AXIS);
            for (double s : stepTicks.values()) {
                text(stepTicks.label(s), px(s, stepTicks), y0 + 16, 0);
            }
            for (double v : lossTicks.values()) {
                text(lossTicks.label(v), x0 - 6, py(v, lossTicks) + 4, 1);
            }
            if (lrTicks != null) {
                g.setColor(LR_COLOR);
                for (double v : lrTicks.values()) {
                    text(lrTicks.label(v), x1 + 6, py(v, lrTicks) + 4, -1);
                }
                line(points, false, stepTicks, lrTicks, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                        BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f));
            }
            line(points, true, stepTicks, lossTicks, new BasicStroke(2f, BasicStroke.CAP_ROUND,
                    BasicStroke.JOIN_ROUND));
            g.setColor(AXIS);
            text("step", (x0 + x1) / 2, y0 + 38, 0);
            g.setColor(LOSS_COLOR);
            text("loss", x0, y1 - 12, 0);
            if (lrTicks != null) {
                g.setColor(LR_COLOR);
                text("learning rate", x1, y1 - 12, 0);
            }
        }

        private void grid(Ticks steps, Ticks loss) {
            g.setColor(GRID);
            g.setStroke(new BasicStroke(1f));
            for (double s : steps.values()) {
                int x = px(s, steps);
                g.drawLine(x, y0, x, y1);
            }
            for (double v : loss.values()) {
                int y = py(v, loss);
                g.drawLine(x0, y, x1, y);
            }
        }

        private void frame() {
            g.setColor(AXIS);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(x0, y1, x1 - x0, y0 - y1);
        }

        /** The loss or learning-rate polyline; a non-finite value breaks the line rather than bending it. */
        private void line(List<Point> pts, boolean loss, Ticks xs, Ticks ys, BasicStroke stroke) {
            g.setColor(loss ? LOSS_COLOR : LR_COLOR);
            g.setStroke(stroke);
            Path2D.Double path = new Path2D.Double();
            boolean open = false;
            int drawn = 0;
            for (Point p : pts) {
                double v = loss ? p.loss() : p.learningRate();
                if (!Double.isFinite(v)) {
                    open = false;
                    continue;
                }
                double x = pxExact(p.step(), xs);
                double y = pyExact(v, ys);
                if (open) {
                    path.lineTo(x, y);
                } else {
                    path.moveTo(x, y);
                    open = true;
                }
                drawn++;
            }
            g.draw(path);
            if (drawn == 1) { // a lone point draws no segment; mark it
                for (Point p : pts) {
                    double v = loss ? p.loss() : p.learningRate();
                    if (Double.isFinite(v)) {
                        g.fillOval((int) pxExact(p.step(), xs) - 3, (int) pyExact(v, ys) - 3, 7, 7);
                    }
                }
            }
        }

        private int px(double v, Ticks t) {
            return (int) Math.round(pxExact(v, t));
        }

        private double pxExact(double v, Ticks t) {
            return x0 + (v - t.low()) / (t.high() - t.low()) * (x1 - x0);
        }

        private int py(double v, Ticks t) {
            return (int) Math.round(pyExact(v, t));
        }

        private double pyExact(double v, Ticks t) {
            return y0 - (v - t.low()) / (t.high() - t.low()) * (y0 - y1);
        }

        /**
         * Draws text centred (align 0), right-aligned (1) or left-aligned (-1) at x. A runtime without usable
         * fonts (a stripped JRE without fontconfig) throws from the font system; the chart is still worth
         * having without its labels, so such failures only lose the text.
         */
        private void text(String s, int x, int y, int align) {
            try {
                FontMetrics m = g.getFontMetrics();
                int w = m.stringWidth(s);
                int left = align == 0 ? x - w / 2 : align > 0 ? x - w : x;
                g.drawString(s, left, y);
            } catch (RuntimeException | LinkageError | InternalError e) {
                // no fonts: keep the lines, drop the label
            }
        }
    }

    /** Min and max of the finite losses (or learning rates); null when there are none. */
    private static double[] range(List<Point> points, boolean loss) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Point p : points) {
            double v = loss ? p.loss() : p.learningRate();
            if (Double.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (lo > hi) {
            return null;
        }
        if (hi == lo) { // a flat line: centre it in a band around its value
            double pad = hi == 0 ? 1 : Math.abs(hi) * 0.1;
            return new double[] {lo - pad, hi + pad};
        }
        return new double[] {lo, hi};
    }
}
