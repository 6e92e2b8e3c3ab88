package dev.scion.server.adapters;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Every admin action, appended as one JSON line to {@code <store>/audit.jsonl} and forced to disk:
 * time, adapter, action, the acting key's identity (a hash prefix, never the key), outcome, detail.
 */
public final class AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public AuditLog(Path storeRoot) {
        this.file = storeRoot.resolve("audit.jsonl");
    }

    public record Event(Instant time, String adapter, String action, String actor, String outcome, String detail) {}

    /** A key's identity for the log: the first 12 hex digits of its SHA-256. */
    public static String identity(String key) {
        if (key == null) {
            return "anonymous";
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "key:" + HexFormat.of().formatHex(hash, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized void append(Event e) {
        ObjectNode line = JSON.createObjectNode();
        line.put("time", e.time().toString());
        line.put("adapter", e.adapter());
        line.put("action", e.action());
        line.put("actor", e.actor());
        line.put("outcome", e.outcome());
        line.put("detail", e.detail());
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE)) {
            out.write(java.nio.ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            out.force(false);
        } catch (IOException ex) {
            throw new UncheckedIOException("could not append to " + file, ex);
        }
    }

    /** The events of one adapter, oldest first. */
    public synchronized List<Event> events(String adapter) {
        List<Event> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (raw.isBlank()) {
                    continue;
                }
                com.fasterxml.jackson.databind.JsonNode n;
                try {
                    n = JSON.readTree(raw);
                } catch (com.fasterxml.jackson.core.JacksonException torn) {
                    continue; // a line cut short by a crash mid-append carries no event
                }
                if (adapter.equals(n.path("adapter").asText())) {
                    out.add(new Event(Instant.parse(n.get("time").asText()), adapter, n.path("action").asText(),
                            n.path("actor").asText(), n.path("outcome").asText(), n.path("detail").asText()));
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("could not read " + file, ex);
        }
        return out;
    }
}
