package dev.scion.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The settings of the co-located trainer: fine-tuning jobs, uploaded files and the watched folder. Part of
 * {@link ServerConfig}; each setting's default and bounds are declared in {@link ServeSettings}, the rules between
 * these settings are checked here, and those that tie them to other options (jobs publish into the adapter store,
 * so they need {@code --adapters}) in {@link ServerConfig}.
 *
 * @param dataDir where uploaded files and job records live; null: {@code .scion-data} inside the adapter store
 * @param maxFileBytes largest {@code POST /v1/files} upload (the whole multipart body)
 * @param dutyCycle the largest share of wall time training takes while serving has requests, in (0, 1]
 * @param watch folder watched for new {@code *.jsonl} files, or null for none
 * @param watchAdapter the adapter the watched folder's rounds train
 * @param triggerExamples new examples (non-blank lines) that start a round
 * @param watchInterval time between two scans of the watched folder
 * @param watchCanaryPercent share of traffic a watched round's version starts with as a canary; 0: none, it serves
 *     at once
 */
public record TrainingConfig(Path dataDir, long maxFileBytes, double dutyCycle, Path watch, String watchAdapter,
        int triggerExamples, Duration watchInterval, int watchCanaryPercent) {

    /** The data folder's name inside the adapter store when --data-dir is not given; not a valid adapter name. */
    public static final String DEFAULT_DATA_FOLDER = ".scion-data";
    static final long INLINE_FILE_CAP = 32L << 20;

    /** The rules between the trainer's settings; each on its own is checked against {@link ServeSettings}. */
    public TrainingConfig {
        if (watch != null && (watchAdapter == null || watchAdapter.isBlank())) {
            throw ConfigException.invalid("watch-adapter", "is required with --watch: it names the adapter the "
                    + "watched folder trains");
        }
        if (watch == null && watchAdapter != null) {
            throw ConfigException.invalid("watch-adapter", "needs --watch DIR");
        }
    }

    /** The trainer's settings at their defaults ({@link ServeSettings}). */
    public static TrainingConfig defaults() {
        return ServerConfig.defaults().training();
    }

    /**
     * The largest file part sent without a filename, which the HTTP layer can only buffer in memory as a form
     * field: the upload limit, but at most 32m.
     */
    public long maxInlineFileBytes() {
        return Math.min(maxFileBytes, INLINE_FILE_CAP);
    }

    /** The data folder to use given the adapter store's folder (which jobs need anyway). */
    public Path dataDir(Path adapters) {
        return dataDir != null ? dataDir : adapters.resolve(DEFAULT_DATA_FOLDER);
    }
}
