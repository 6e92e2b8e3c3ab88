package dev.scion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.trainer.GateReport;
import dev.scion.trainer.RoundResult;
import dev.scion.trainer.data.DataProblem;
import dev.scion.trainer.data.DatasetFormat;
import dev.scion.trainer.data.DatasetReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary {@code train} prints: held-out lines, the gate's table with unmeasured figures, skipped lines. */
class RoundReportTest {
    static final Path FILE = Path.of("data.jsonl");

    static String print(RoundResult r, boolean heldOutFromData) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RoundReport.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), r, heldOutFromData);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static RoundResult result(GateReport gate, List<DataProblem> problems, List<Integer> heldOut) {
        DatasetReport data = new DatasetReport(FILE, DatasetFormat.OPENAI_MESSAGES, 1, 30 + problems.size(), 0, 30,
                problems.size(), 0, 900, 200, problems);
        return new RoundResult(null, gate, data, 27, 5, 40, 10, List.of(), 0.25, Path.of("loss.csv"),
                Path.of("loss.png"), heldOut);
    }

    /** A gate report with these learned and kept counts. */
    static GateReport gate(int target, boolean onTraining, int learnedBefore, int learnedAfter, int retention,
            int retainedBefore, int retainedAfter, boolean passed, String reason) {
        return new GateReport(target, onTraining, learnedBefore, learnedAfter, 8.0, 0.1, 10, learnedAfter == target,
                retention, retainedBefore, retainedAfter, retention == 0 ? Double.NaN : 0.05,
                retention == 0 ? Double.NaN : 0.3, retention == 0 ? 0 : (double) (retainedBefore - retainedAfter)
                / retention, List.of(new GateReport.RoundScore(0, target, learnedAfter)), passed,
                reason);
    }

    @Test
    void aRefusedFirstRoundShowsHeldOutLinesAndNoRetention() {
        GateReport gate = gate(3, false, 0, 1, 0, 0, 0, false, "learned 1/3 held-out examples");
        String out = print(result(gate, List.of(), List.of(4, 17, 29)), true);
        assertTrue(out.contains("trained 27 examples (+5 replayed per epoch) in 10 epochs, 40 steps, final loss 0.2500"),
                out);
        assertTrue(out.contains("held out for the gate: lines 4, 17, 29"), out);
        assertTrue(out.matches("(?s).*held-out examples learned\\s+0/3 0\\.0%\\s+1/3 33\\.3%\n.*"), out);
        assertTrue(out.matches("(?s).*held-out loss\\s+8\\.0000\\s+0\\.1000\n.*"), out);
        assertTrue(out.contains("retention: none yet"), out);
        assertTrue(out.contains("epochs 10 (target not reached)"), out);
        assertTrue(out.contains("gate refused: learned 1/3 held-out examples"), out);
        assertTrue(out.contains("not published"), out);
        assertTrue(out.contains("loss curve: loss.csv") && out.contains("loss plot:  loss.png"), out);
    }

    @Test
    void withoutHeldOutDataTheGateScoredTrainingExamplesAndSaysSo() {
        GateReport gate = gate(30, true, 0, 30, 12, 12, 11, true, "ok");
        String out = print(result(gate, List.of(), List.of()), true);
        assertTrue(out.matches("(?s).*new examples learned\\s+0/30 0\\.0%\\s+30/30 100\\.0%\n.*"), out);
        assertTrue(out.matches("(?s).*earlier examples kept\\s+12/12 100\\.0%\\s+11/12 91\\.7%\n.*"), out);
        assertTrue(out.contains("forgetting 8.3%"), out);
        assertTrue(out.contains("epochs 10 (target reached)"), out);
        assertTrue(!out.contains("held out for the gate"), out);
        // with --eval-data the same figures are held-out ones
        assertTrue(print(result(gate, List.of(), List.of()), false).contains("held-out examples learned"));
    }

    @Test
    void skippedLinesAreListedUpToALimit() {
        List<DataProblem> problems = new ArrayList<>();
        for (int line = 1; line <= RoundReport.MAX_LISTED_PROBLEMS + 3; line++) {
            problems.add(new DataProblem(FILE, line, "messages", "empty conversation"));
        }
        String out = print(result(gate(1, true, 0, 1, 0, 0, 0, true, "ok"), problems, List.of()), true);
        assertTrue(out.contains("  skipped data.jsonl:1: messages: empty conversation"), out);
        assertEquals(RoundReport.MAX_LISTED_PROBLEMS, out.lines().filter(l -> l.startsWith("  skipped ")).count());
        assertTrue(out.contains("... and 3 more skipped lines"), out);
    }
}
