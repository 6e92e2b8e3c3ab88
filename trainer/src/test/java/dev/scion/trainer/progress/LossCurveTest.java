package dev.scion.trainer.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.trainer.StepProgress;
import dev.scion.trainer.progress.LossCurve.Point;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** loss.csv round trips and loss.png decodes, to the right size, with the curve drawn where the plot is. */
class LossCurveTest {
    @TempDir
    Path dir;

    /** A falling loss with warm-up then cosine decay of the learning rate, like a real round. */
    static LossCurve falling(int steps) {
        LossCurve curve = new LossCurve();
        for (int s = 1; s <= steps; s++) {
            double lr = s <= 3 ? 2e-3 * s / 3 : 1e-3 * (1 + Math.cos(Math.PI * (s - 3) / (steps - 3)));
            curve.record(new StepProgress(s, steps, 1 + s / 10, 6.0 * Math.exp(-s / 12.0) + 0.05, lr,
                    1.0 / s, 400, steps - s));
        }
        return curve;
    }

    @Test
    void csvRoundTripsEveryValueExactly() throws IOException {
        LossCurve curve = falling(40);
        curve.add(new Point(41, Double.NaN, 0.0, Double.POSITIVE_INFINITY)); // a diverged step is kept, not lost
        Path csv = dir.resolve("loss.csv");
        curve.writeCsv(csv);

        List<String> lines = Files.readAllLines(csv);
        assertEquals(LossCurve.CSV_HEADER, lines.get(0));
        assertEquals(42, lines.size());
        assertTrue(lines.get(1).startsWith("1,"), lines.get(1));
        assertEquals(curve.points(), LossCurve.readCsv(csv).points());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(csv), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void aResumedRoundReplacesTheStepsItRedoes() throws IOException {
        Path csv = dir.resolve("loss.csv");
        falling(30).writeCsv(csv);
        LossCurve resumed = LossCurve.readCsv(csv);
        // the checkpoint was at step 25: steps 25.. are trained again and replace the old figures
        resumed.add(new Point(25, 0.5, 1e-4, 0.3));
        resumed.add(new Point(26, 0.4, 1e-4, 0.3));
        List<Point> points = resumed.points();
        assertEquals(26, points.size());
        assertEquals(24, points.get(23).step());
        assertEquals(new Point(25, 0.5, 1e-4, 0.3), points.get(24));
    }

    @Test
    void aBadCsvIsRefusedNamingFileLineAndColumn() throws IOException {
        Path wrongHeader = Files.writeString(dir.resolve("a.csv"), "step,loss\n1,2\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LossCurve.readCsv(wrongHeader));
        assertTrue(e.getMessage().startsWith(wrongHeader + ":1: "), e.getMessage());

        Path badNumber = Files.writeString(dir.resolve("b.csv"),
                LossCurve.CSV_HEADER + "\n1,2.0,1e-3,0.5\n2,lots,1e-3,0.5\n");
        e = assertThrows(IllegalArgumentException.class, () -> LossCurve.readCsv(badNumber));
        assertEquals(badNumber + ":3: loss: 'lots' is not a number", e.getMessage());

        Path backwards = Files.writeString(dir.resolve("c.csv"), LossCurve.CSV_HEADER + "\n2,1,1,1\n2,1,1,1\n");
        e = assertThrows(IllegalArgumentException.class, () -> LossCurve.readCsv(backwards));
        assertTrue(e.getMessage().startsWith(backwards + ":3: step: "), e.getMessage());

        Path short_ = Files.writeString(dir.resolve("d.csv"), LossCurve.CSV_HEADER + "\n1,2,3\n");
        e = assertThrows(IllegalArgumentException.class, () -> LossCurve.readCsv(short_));
        assertTrue(e.getMessage().contains(":2: expected 4 values"), e.getMessage());
    }

    @Test
    void pngHasTheAskedSizeAndTheLossLineInsideThePlot() throws IOException {
        Path png = dir.resolve("loss.png");
        falling(60).writePng(png, 640, 400);

        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(640, image.getWidth());
        assertEquals(400, image.getHeight());
        int loss = 0;
        int lr = 0;
        for (int y = LossChart.TOP + 2; y < 400 - LossChart.BOTTOM - 1; y++) {
            for (int x = LossChart.LEFT + 2; x < 640 - LossChart.RIGHT - 1; x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                loss += near(rgb, LossChart.LOSS_COLOR.getRGB()) ? 1 : 0;
                lr += near(rgb, LossChart.LR_COLOR.getRGB()) ? 1 : 0;
            }
        }
        // a 2-pixel line across ~490 pixels of plot: far more than a stray mark, far less than a filled area
        assertTrue(loss > 400 && loss < 20_000, "loss-coloured pixels in the plot area: " + loss);
        assertTrue(lr > 100, "learning-rate pixels in the plot area: " + lr);
        // the loss falls: its line starts high on the left and ends low on the right
        assertTrue(topmost(image, LossChart.LEFT + 3) < topmost(image, 640 - LossChart.RIGHT - 3),
                "the line is higher at the first step than at the last");
    }

    @Test
    void anEmptyCurveGivesAPlaceholderImageAndAHeaderOnlyCsv() throws IOException {
        LossCurve empty = new LossCurve();
        Path png = dir.resolve("loss.png");
        empty.writePng(png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(LossChart.DEFAULT_WIDTH, image.getWidth());
        assertEquals(LossChart.DEFAULT_HEIGHT, image.getHeight());
        int marked = 0;
        for (int y = LossChart.TOP + 2; y < image.getHeight() - LossChart.BOTTOM - 1; y++) {
            for (int x = LossChart.LEFT + 2; x < image.getWidth() - LossChart.RIGHT - 1; x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                marked += rgb != 0xffffff ? 1 : 0;
                assertTrue(!near(rgb, LossChart.LOSS_COLOR.getRGB()), "no curve is drawn for no steps");
            }
        }
        assertTrue(marked > 50, "the placeholder says there are no steps (text pixels: " + marked + ")");

        Path csv = dir.resolve("loss.csv");
        empty.writeCsv(csv);
        assertEquals(LossCurve.CSV_HEADER + "\n", Files.readString(csv, StandardCharsets.UTF_8));
        assertTrue(LossCurve.readCsv(csv).isEmpty());
    }

    @Test
    void oneStepAndAFlatLossStillDraw() throws IOException {
        LossCurve one = new LossCurve(List.of(new Point(1, 2.5, 1e-3, 1)));
        Path png = dir.resolve("one.png");
        one.writePng(png, 300, 200);
        assertTrue(count(ImageIO.read(png.toFile()), LossChart.LOSS_COLOR.getRGB()) > 10, "the lone point is marked");

        List<Point> flat = new ArrayList<>();
        for (int s = 1; s <= 5; s++) {
            flat.add(new Point(s, 1.0, 1e-3, 1));
        }
        new LossCurve(flat).writePng(png, 300, 200);
        assertTrue(count(ImageIO.read(png.toFile()), LossChart.LOSS_COLOR.getRGB()) > 100);
        assertThrows(IllegalArgumentException.class, () -> one.writePng(png, 10, 10));
    }

    private static int topmost(BufferedImage image, int x) {
        for (int y = LossChart.TOP; y < image.getHeight() - LossChart.BOTTOM; y++) {
            if (near(image.getRGB(x, y) & 0xffffff, LossChart.LOSS_COLOR.getRGB())) {
                return y;
            }
        }
        throw new AssertionError("no loss pixel in column " + x);
    }

    private static int count(BufferedImage image, int color) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                n += near(image.getRGB(x, y) & 0xffffff, color) ? 1 : 0;
            }
        }
        return n;
    }

    /** Close to the colour, allowing for antialiasing at the line's core. */
    private static boolean near(int rgb, int color) {
        int dr = Math.abs(((rgb >> 16) & 0xff) - ((color >> 16) & 0xff));
        int dg = Math.abs(((rgb >> 8) & 0xff) - ((color >> 8) & 0xff));
        int db = Math.abs((rgb & 0xff) - (color & 0xff));
        return dr + dg + db < 40;
    }
}
