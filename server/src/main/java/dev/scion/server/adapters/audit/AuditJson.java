package dev.scion.server.adapters.audit;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** One audit event as one line of {@code audit.jsonl}: compact JSON, its sequence number first. */
final class AuditJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditJson() {}

    static String line(long seq, AuditLog.Event e) {
        ObjectNode line = JSON.createObjectNode();
        line.put("seq", seq);
        line.put("time", e.time().toString());
        line.put("adapter", e.adapter());
        line.put("action", e.action());
        line.put("actor", e.actor());
        line.put("outcome", e.outcome());
        line.put("detail", e.detail());
        return line.toString();
    }

    /** The line's event, or null for a line that is not one: cut short by a crash mid-append, or without a seq. */
    static AuditLog.Entry parse(String raw) {
        JsonNode n = tree(raw);
        if (n == null || !n.path("seq").canConvertToLong() || !n.path("seq").isIntegralNumber()) {
            return null;
        }
        Instant time;
        try {
            time = Instant.parse(n.path("time").asText());
        } catch (DateTimeParseException e) {
            return null;
        }
        return new AuditLog.Entry(n.get("seq").longValue(), new AuditLog.Event(time, n.path("adapter").asText(),
                n.path("action").asText(), n.path("actor").asText(), n.path("outcome").asText(),
                n.path("detail").isNull() ? null : n.path("detail").asText()));
    }

    /** The line as a JSON object, or null when it is not one. */
    static ObjectNode tree(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(raw) instanceof ObjectNode o ? o : null;
        } catch (JacksonException torn) {
            return null;
        }
    }

    /** What a line of {@code adapter}'s events contains, to skip other adapters' lines without parsing them. */
    static String adapterField(String adapter) {
        try {
            return "\"adapter\":" + JSON.writeValueAsString(adapter);
        } catch (JacksonException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A line written before events had sequence numbers, numbered now. */
    static String numbered(ObjectNode legacy, long seq) {
        ObjectNode line = JSON.createObjectNode();
        line.put("seq", seq);
        legacy.remove("seq");
        line.setAll(legacy);
        return line.toString();
    }
}
