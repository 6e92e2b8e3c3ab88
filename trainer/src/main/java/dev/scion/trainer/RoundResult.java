package dev.scion.trainer;

import dev.scion.engine.store.AdapterManifest;
import dev.scion.trainer.data.DatasetReport;
import dev.scion.trainer.loop.EpochCheck;
import java.nio.file.Path;
import java.util.List;

/**
 * How a round ended.
 *
 * @param published the new version, or null when the gate refused it
 * @param replayedPerEpoch earlier examples replayed in each epoch
 * @param epochs epochs trained (the last may be partial only in a round with a fixed step count)
 * @param checks the end-of-epoch checks of a round that trained to its target (empty with fixed epochs)
 * @param lossCsv the round's loss curve (step, loss, learning rate, grad norm)
 * @param lossPlot the same curve drawn as a PNG
 * @param heldOutLines data-file lines of the examples held out for the gate (not trained on)
 */
public record RoundResult(AdapterManifest published, GateReport gate, DatasetReport data, int trainExamples,
        int replayedPerEpoch, int steps, int epochs, List<EpochCheck> checks, double finalLoss, Path lossCsv,
        Path lossPlot, List<Integer> heldOutLines) {

    public RoundResult {
        checks = List.copyOf(checks);
        heldOutLines = List.copyOf(heldOutLines);
    }

    public boolean isPublished() {
        return published != null;
    }
}
