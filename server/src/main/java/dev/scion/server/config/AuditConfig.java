package dev.scion.server.config;

import java.time.Duration;

/**
 * How the adapter store's audit log ({@code audit.jsonl}) is kept. Part of {@link ServerConfig}; defaults and
 * bounds are declared in {@link ServeSettings}.
 *
 * @param maxBytes the log is rotated before a line would take it beyond this size
 * @param keep rotated files kept ({@code audit.1.jsonl} the newest); older ones are deleted
 * @param refusalInterval calls refused for a missing or wrong admin key are counted, and each such interval written
 *     as one event per adapter, action, actor and reason, so that unauthenticated clients cannot make the server
 *     write (and fsync) once per request
 */
public record AuditConfig(long maxBytes, int keep, Duration refusalInterval) {

    /** The audit log's settings at their defaults ({@link ServeSettings}). */
    public static AuditConfig defaults() {
        return ServerConfig.defaults().audit();
    }

    @Override
    public String toString() {
        return "AuditConfig[maxBytes=" + maxBytes + ", keep=" + keep + ", refusalInterval="
                + ConfigValues.format(refusalInterval) + "]";
    }
}
