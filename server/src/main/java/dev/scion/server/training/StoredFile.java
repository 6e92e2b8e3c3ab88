package dev.scion.server.training;

import java.util.Objects;

/**
 * An uploaded (or server-made) file as {@code /v1/files} shows it.
 *
 * @param seq the store's upload order, for listing (several files share one second)
 * @param filename the client's name for it, shown back and never used as a path
 * @param purpose {@code fine-tune} for uploads, {@code fine-tune-results} for a job's loss curve
 */
public record StoredFile(String id, long seq, long bytes, long createdAt, String filename, String purpose) {
    public static final String FINE_TUNE = "fine-tune";
    public static final String RESULTS = "fine-tune-results";

    public StoredFile {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(purpose, "purpose");
    }
}
