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
        return new RoundResult(null, gate, data, 27, 5, 40, 0.25, Path.of("loss.csv"), Path.of("loss.png"), heldOut);
    }

    @Test
    void aRefusedFirstRoundShowsHeldOutLinesAndNoRetention() {
        GateReport gate = new GateReport(3, 8.0, 8.5, 0.0, Double.NaN, 0, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, 0, false, "loss on held-out data did not improve");
        String out = print(result(gate, List.of(), List.of(4, 17, 29)), true);
        assertTrue(out.contains("trained 27 examples (+5 replayed) in 40 steps, final loss 0.2500"), out);
        assertTrue(out.contains("held out for the gate: lines 4, 17, 29"), out);
        assertTrue(out.matches("(?s).*held-out loss \\(3\\)\\s+8\\.0000\\s+8\\.5000\n.*"), out);
        assertTrue(out.matches("(?s).*held-out exact match\\s+0\\.0%\\s+n/a\n.*"), "NaN accuracy is n/a: " + out);
        assertTrue(out.contains("retention: none yet"), out);
        assertTrue(out.contains("gate refused: loss on held-out data did not improve"), out);
        assertTrue(out.contains("not published"), out);
        assertTrue(out.contains("loss curve: loss.csv") && out.contains("loss plot:  loss.png"), out);
    }

    @Test
    void withoutHeldOutDataTheGateScoredTrainingExamplesAndSaysSo() {
        GateReport gate = new GateReport(30, 8.0, 0.1, 0.0, 1.0, 12, 0.05, 0.3, 1.0, 0.9, 0.1, true, "ok");
        String out = print(result(gate, List.of(), List.of()), true);
        assertTrue(out.contains("training loss (30)"), out);
        assertTrue(out.contains("retention exact match") && out.contains("100.0%") && out.contains("90.0%"), out);
        assertTrue(!out.contains("held out for the gate"), out);
        // with --eval-data the same figures are held-out ones
        assertTrue(print(result(gate, List.of(), List.of()), false).contains("held-out loss (30)"));
    }

    @Test
    void skippedLinesAreListedUpToALimit() {
        List<DataProblem> problems = new ArrayList<>();
        for (int line = 1; line <= RoundReport.MAX_LISTED_PROBLEMS + 3; line++) {
            problems.add(new DataProblem(FILE, line, "messages", "empty conversation"));
        }
        String out = print(result(new GateReport(1, 1, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, true, "ok"), problems,
                List.of()), true);
        assertTrue(out.contains("  skipped data.jsonl:1: messages: empty conversation"), out);
        assertEquals(RoundReport.MAX_LISTED_PROBLEMS, out.lines().filter(l -> l.startsWith("  skipped ")).count());
        assertTrue(out.contains("... and 3 more skipped lines"), out);
    }
}
