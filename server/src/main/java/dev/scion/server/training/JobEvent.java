package dev.scion.server.training;

import java.util.Map;
import java.util.Objects;

/**
 * One line of a job's history, as OpenAI's {@code fine_tuning.job.event}: a message (status changes, the trainer's
 * checkpoint, gate and publish notes) or a step's metrics.
 *
 * @param level info, warn or error
 * @param type message or metrics
 * @param data a step's figures for metrics events, else empty
 */
public record JobEvent(String id, long createdAt, String level, String message, String type,
        Map<String, Object> data) {
    public JobEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(message, "message");
        data = data == null ? Map.of() : Map.copyOf(data);
    }
}
