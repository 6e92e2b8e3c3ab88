package dev.scion.trainer;

import dev.scion.engine.store.PublishSource;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One round to run: which adapter, on which data, with which settings.
 *
 * @param evalData held-out data for the gate; null to hold out {@link TrainOptions#evalFraction()} of {@code data}
 * @param resume continue the adapter's unfinished round from its newest valid checkpoint (a round that has none
 *     starts from the beginning); false discards an unfinished round's checkpoints
 * @param source recorded in the published version's manifest (the CLI and the server's jobs say TRAINER)
 */
public record RoundRequest(String adapter, Path data, Path evalData, TrainOptions options, boolean resume,
        PublishSource source) {
    public RoundRequest {
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(source, "source");
    }
}
