package dev.scion.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scion.engine.io.AtomicFiles;
import dev.scion.engine.store.AdapterManifest;
import dev.scion.trainer.data.DatasetReport;
import dev.scion.trainer.loop.EpochCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code report.json} of a finished round: what it learned, what it forgot, and whether it published. */
final class RoundReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RoundReport() {}

    static void write(Path file, RoundRequest request, GateReport gate, AdapterManifest published,
            DatasetReport data, double finalLoss, int steps, List<EpochCheck> checks) throws IOException {
        List<Object> epochs = new ArrayList<>();
        checks.forEach(c -> epochs.add(c.toState()));
        Map<String, Object> report = RoundFiles.map(
                "adapter", request.adapter(),
                "published", published == null ? null : published.id(),
                "data", request.data().toString(),
                "data_summary", data.summary(),
                "steps", steps,
                "final_loss", Double.isFinite(finalLoss) ? finalLoss : null,
                "gate", gate.toMetrics(),
                "epochs", epochs,
                "options", request.options().toString());
        AtomicFiles.write(file, JSON.writeValueAsBytes(report));
    }

}
