package dev.scion.server.training;

import java.util.Locale;

/** OpenAI's job statuses, in the order a job goes through them. */
public enum JobStatus {
    VALIDATING_FILES, QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobStatus fromJsonName(String text) {
        for (JobStatus s : values()) {
            if (s.jsonName().equals(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown job status '" + text + "'");
    }

    /** Succeeded, failed and cancelled jobs never change again. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
