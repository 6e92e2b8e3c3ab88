package dev.scion.server.config;

import java.time.Duration;

/**
 * How the adapter store's audit log ({@code audit.jsonl}) is kept. Part of {@link ServerConfig}.
 *
 * @param maxBytes the log is rotated before a line would take it beyond this size
 * @param keep rotated files kept ({@code audit.1.jsonl} the newest); older ones are deleted
 * @param refusalInterval calls refused for a missing or wrong admin key are counted, and each such interval written
 *     as one event per adapter, action, actor and reason, so that unauthenticated clients cannot make the server
 *     write (and fsync) once per request
 */
public record AuditConfig(long maxBytes, int keep, Duration refusalInterval) {

    public static final long DEFAULT_MAX_BYTES = 16L << 20;
    public static final int DEFAULT_KEEP = 3;
    public static final Duration DEFAULT_REFUSAL_INTERVAL = Duration.ofSeconds(60);

    static final long MIN_BYTES = 1L << 10;
    static final long MAX_BYTES = 1L << 30;
    static final int MAX_KEEP = 100;

    public AuditConfig {
        if (maxBytes < MIN_BYTES || maxBytes > MAX_BYTES) {
            throw ConfigException.invalid("audit-max-bytes", "must be between 1k and 1g bytes, got " + maxBytes);
        }
        if (keep < 0 || keep > MAX_KEEP) {
            throw ConfigException.invalid("audit-keep", "must be between 0 and " + MAX_KEEP + ", got " + keep);
        }
        if (refusalInterval == null || refusalInterval.compareTo(HttpLimits.MIN_TIMEOUT) < 0
                || refusalInterval.compareTo(HttpLimits.MAX_TIMEOUT) > 0) {
            throw ConfigException.invalid("audit-refusal-interval", "must be between 10ms and 1 day, got "
                    + (refusalInterval == null ? "nothing" : ConfigValues.format(refusalInterval)));
        }
    }

    public static AuditConfig defaults() {
        return new AuditConfig(DEFAULT_MAX_BYTES, DEFAULT_KEEP, DEFAULT_REFUSAL_INTERVAL);
    }

    @Override
    public String toString() {
        return "AuditConfig[maxBytes=" + maxBytes + ", keep=" + keep + ", refusalInterval="
                + ConfigValues.format(refusalInterval) + "]";
    }
}
