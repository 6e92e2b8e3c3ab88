package dev.scion.trainer;

import dev.scion.engine.store.AdapterManifest;
import dev.scion.trainer.data.DatasetReport;
import java.nio.file.Path;
import java.util.List;

/**
 * How a round ended.
 *
 * @param published the new version, or null when the gate refused it
 * @param lossCsv the round's loss curve (step, loss, learning rate, grad norm)
 * @param lossPlot the same curve drawn as a PNG
 * @param heldOutLines data-file lines of the examples held out for the gate (not trained on)
 */
public record RoundResult(AdapterManifest published, GateReport gate, DatasetReport data, int trainExamples,
        int replayedExamples, int steps, double finalLoss, Path lossCsv, Path lossPlot, List<Integer> heldOutLines) {

    public RoundResult {
        heldOutLines = List.copyOf(heldOutLines);
    }

    public boolean isPublished() {
        return published != null;
    }
}
