package dev.scion.server.training;

import java.util.Map;
import java.util.Objects;

/**
 * What a job was asked to do; never changes after creation.
 *
 * @param seq creation order (several jobs share one second), for listing
 * @param model the request's {@code model}: the base model's id, an adapter name or {@code name@version}
 * @param adapter the adapter the round publishes a version of
 * @param from where the round starts: {@code base}, {@code latest} or a version number
 * @param validationFile a file id, or null
 * @param suffix as the client sent it, or null
 * @param metadata the client's key-value pairs, or null
 * @param actor who created it: the admin key's identity, or {@code scion} for the watched folder
 * @param watched whether the watched folder made it (its files wait in {@code processing/<id>/})
 */
public record JobSpec(String id, long seq, long createdAt, String model, String adapter, String from,
        String trainingFile, String validationFile, Hyperparameters hyperparameters, long seed, String suffix,
        Map<String, String> metadata, JobSettings settings, String actor, boolean watched) {

    public JobSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(adapter, "adapter");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(trainingFile, "trainingFile");
        Objects.requireNonNull(hyperparameters, "hyperparameters");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(actor, "actor");
        metadata = metadata == null ? null : Map.copyOf(metadata);
    }
}
