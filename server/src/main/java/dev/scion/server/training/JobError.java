package dev.scion.server.training;

import java.util.Objects;

/**
 * Why a job failed, as OpenAI's job {@code error} object shows it.
 *
 * @param code machine-readable: {@code invalid_training_file}, {@code invalid_validation_file},
 *     {@code gate_refused}, {@code invalid_settings} or {@code server_error}
 * @param param the request field at fault ({@code training_file}, {@code validation_file}), or null
 */
public record JobError(String code, String message, String param) {
    public JobError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
