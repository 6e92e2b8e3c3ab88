package dev.scion.trainer.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.trainer.StepProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What a user sees: a bar redrawn in place on a terminal, plain lines at a bounded rate elsewhere. */
class ConsoleProgressTest {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    /** The test's clock: time moves only when the test says so. */
    final AtomicLong now = new AtomicLong();

    static StepProgress step(int step, int total) {
        return new StepProgress(step, total, 1, 2.0 / step, 1.5e-3, 0.7, 812.4, (total - step) * 1.5);
    }

    String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aLineShowsStepsBarLossRateSpeedAndEta() {
        String line = ConsoleProgress.format(new StepProgress(37, 120, 4, 1.23456, 1.8e-3, 0.5, 412.3, 42));
        assertEquals("step  37/120 [#######.................]  31% ep 4  loss 1.2346  lr 1.80e-03  412 tok/s"
                + "  ETA 0:42", line);
        assertTrue(ConsoleProgress.format(new StepProgress(1, 10, 1, Double.NaN, 0, 0, 0, Double.NaN))
                .contains("loss nan") , "a diverged loss is shown, not hidden");
        assertEquals("1:01:05", ConsoleProgress.duration(3665));
        assertEquals("--:--", ConsoleProgress.duration(Double.NaN));
    }

    @Test
    void onATerminalOneLineIsRedrawnAndEventsGetTheirOwnLines() {
        ConsoleProgress progress = new ConsoleProgress(out, true, 10, 1, now::get);
        progress.onStep(step(1, 3));
        progress.onStep(step(2, 3));
        progress.onEvent("checkpoint written at step 2");
        progress.onStep(step(3, 3));
        progress.onEvent("gate passed");

        String text = printed();
        // split on \n alone: String.lines() would also split at the carriage returns under test
        List<String> lines = List.of(text.split("\n"));
        assertEquals(3, lines.size(), text);
        // the first line holds the bar's redraws and is then blanked for the event
        assertTrue(lines.get(0).contains("\rstep 1/3") && lines.get(0).contains("\rstep 2/3"), lines.get(0));
        assertTrue(lines.get(0).endsWith("\rcheckpoint written at step 2"), lines.get(0));
        // the bar comes back under the event, and the last step ends the line
        assertTrue(lines.get(1).startsWith("step 2/3") && lines.get(1).contains("\rstep 3/3 [####"), lines.get(1));
        assertEquals("gate passed", lines.get(2));
    }

    @Test
    void elsewhereLinesComeEveryNStepsOrAfterTheIntervalAndAtTheEnds() {
        ConsoleProgress progress = new ConsoleProgress(out, false, 5, 1_000, now::get);
        for (int s = 1; s <= 12; s++) {
            if (s == 7) {
                now.addAndGet(1_000); // a slow step: the interval has passed
            }
            progress.onStep(step(s, 12));
        }
        progress.onEvent("published demo@1");
        progress.finish();

        String text = printed();
        assertFalse(text.contains("\r"), "no carriage returns in a log");
        List<String> lines = text.lines().toList();
        assertEquals(List.of("step  1/12", "step  5/12", "step  7/12", "step 10/12", "step 12/12"),
                lines.subList(0, 5).stream().map(l -> l.substring(0, 10)).toList());
        assertEquals("published demo@1", lines.get(5));
        assertEquals(6, lines.size());
    }

    @Test
    void finishEndsABarLeftOpenByACancelledRound() {
        ConsoleProgress progress = new ConsoleProgress(out, true, 10, 1, now::get);
        progress.onStep(step(4, 10));
        progress.finish();
        progress.finish(); // a second finish adds nothing
        assertTrue(printed().endsWith("\n") && printed().split("\n").length == 1, printed());
    }
}
