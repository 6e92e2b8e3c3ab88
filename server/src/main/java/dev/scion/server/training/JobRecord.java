package dev.scion.server.training;

import java.time.Instant;
import java.util.Objects;

/**
 * A job as it stands: its spec and its state. Immutable; each change makes a new record, which the store
 * persists before anyone sees it.
 *
 * @param error why it failed, or null
 * @param outcome set once it is final, else null
 * @param estimatedFinish Unix seconds while it runs, else null
 */
public record JobRecord(JobSpec spec, JobStatus status, JobError error, JobOutcome outcome, Long estimatedFinish) {

    public JobRecord {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(status, "status");
        if (status.isFinal() != (outcome != null)) {
            throw new IllegalArgumentException("a " + status.jsonName() + " job " + (outcome == null ? "needs" : "has no")
                    + " outcome");
        }
    }

    public static JobRecord created(JobSpec spec) {
        return new JobRecord(spec, JobStatus.VALIDATING_FILES, null, null, null);
    }

    public String id() {
        return spec.id();
    }

    public JobRecord with(JobStatus next) {
        return new JobRecord(spec, next, null, null, null);
    }

    public JobRecord estimated(Long finish) {
        return new JobRecord(spec, status, error, outcome, finish);
    }

    public JobRecord finished(JobStatus end, JobError why, JobOutcome result) {
        return new JobRecord(spec, end, why, result, null);
    }

    /** Ends the job with no round figures: cancelled before it ran, or failed before training. */
    public JobRecord ended(JobStatus end, JobError why) {
        return finished(end, why, JobOutcome.empty(Instant.now().getEpochSecond()));
    }
}
