package dev.scion.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The settings of the co-located trainer: fine-tuning jobs, uploaded files and the watched folder. Part of
 * {@link ServerConfig}; validated here on its own, while the rules that tie it to other options (jobs publish into
 * the adapter store, so they need {@code --adapters}) are checked there.
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

    public static final long DEFAULT_MAX_FILE_BYTES = 512L << 20; // OpenAI's limit for a fine-tuning file
    public static final double DEFAULT_DUTY_CYCLE = 0.5;
    public static final int DEFAULT_TRIGGER_EXAMPLES = 100;
    public static final Duration DEFAULT_WATCH_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_WATCH_CANARY_PERCENT = 10;
    /** The data folder's name inside the adapter store when --data-dir is not given; not a valid adapter name. */
    public static final String DEFAULT_DATA_FOLDER = ".scion-data";
    static final long INLINE_FILE_CAP = 32L << 20;

    public TrainingConfig {
        if (maxFileBytes < (1L << 10)) {
            throw ConfigException.invalid("max-file-bytes", "must be at least 1k, got " + maxFileBytes);
        }
        if (!(dutyCycle > 0 && dutyCycle <= 1)) {
            throw ConfigException.invalid("training-duty-cycle",
                    "must be above 0 and at most 1 (1: training never yields to serving), got " + dutyCycle);
        }
        if (triggerExamples < 1 || triggerExamples > 100_000_000) {
            throw ConfigException.invalid("trigger-examples", "must be between 1 and 100000000, got " + triggerExamples);
        }
        if (watchInterval == null || watchInterval.toMillis() < 10 || watchInterval.compareTo(Duration.ofDays(1)) > 0) {
            throw ConfigException.invalid("watch-interval", "must be between 10ms and 1 day, got "
                    + (watchInterval == null ? "nothing" : ConfigValues.format(watchInterval)));
        }
        if (watchCanaryPercent < 0 || watchCanaryPercent > 99) {
            throw ConfigException.invalid("watch-canary-percent",
                    "must be between 0 (no canary) and 99, got " + watchCanaryPercent);
        }
        if (watch != null && (watchAdapter == null || watchAdapter.isBlank())) {
            throw ConfigException.invalid("watch-adapter", "is required with --watch: it names the adapter the "
                    + "watched folder trains");
        }
        if (watch == null && watchAdapter != null) {
            throw ConfigException.invalid("watch-adapter", "needs --watch DIR");
        }
        if (watchAdapter != null && !watchAdapter.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
                || watchAdapter != null && watchAdapter.contains("..")) {
            throw ConfigException.invalid("watch-adapter", "must be 1 to 64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit, without '..', got '" + watchAdapter + "'");
        }
    }

    public static TrainingConfig defaults() {
        return new TrainingConfig(null, DEFAULT_MAX_FILE_BYTES, DEFAULT_DUTY_CYCLE, null, null,
                DEFAULT_TRIGGER_EXAMPLES, DEFAULT_WATCH_INTERVAL, DEFAULT_WATCH_CANARY_PERCENT);
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
