package dev.scion.server.adapters.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Admin calls refused for a missing or wrong key, counted in memory until the audit writer takes them: the
 * refusal costs no disk write, so unauthenticated clients cannot make the server write once per request. Holds at
 * most {@link #MAX_KINDS} distinct kinds (adapter, action, actor, reason) per interval; beyond them calls are only
 * counted, for the server log.
 */
final class RefusalTally {
    static final int MAX_KINDS = 1024;

    record Kind(String adapter, String action, String actor, String reason) {}

    /** What one interval counted: {@code uncounted} calls fell beyond the bound on kinds. */
    record Counts(List<Count> counts, long uncounted) {}

    record Count(Kind kind, long calls, Instant since) {}

    private static final class Running {
        final Instant since = Instant.now();
        long calls;
    }

    private final Map<Kind, Running> running = new LinkedHashMap<>();
    private long uncounted;

    synchronized void count(Kind kind) {
        Running r = running.get(kind);
        if (r == null && running.size() >= MAX_KINDS) {
            uncounted++;
            return;
        }
        if (r == null) {
            r = new Running();
            running.put(kind, r);
        }
        r.calls++;
    }

    /** The counts since the last call, which start again from zero. */
    synchronized Counts drain() {
        List<Count> out = new ArrayList<>(running.size());
        running.forEach((kind, r) -> out.add(new Count(kind, r.calls, r.since)));
        Counts counts = new Counts(out, uncounted);
        running.clear();
        uncounted = 0;
        return counts;
    }
}
