package dev.scion.server.adapters.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * One page of an adapter's events, read line by line from the log's files: memory holds the page, never a file.
 * Sequence numbers grow with every line written, so a cursor is a position in the log, valid across rotations.
 */
final class AuditReader {
    private AuditReader() {}

    /**
     * @param after the id (sequence number) the page starts after, in its order; null for the first page
     * @param newestFirst false: oldest first, the events after {@code after}; true: newest first, those before it
     */
    static AuditLog.Page page(AuditFiles files, String adapter, Long after, int limit, boolean newestFirst)
            throws IOException {
        String field = AuditJson.adapterField(adapter);
        List<InputStream> opened = files.openNewestFirst();
        try {
            List<AuditLog.Entry> found = newestFirst ? newestFirst(opened, adapter, field, after, limit + 1)
                    : oldestFirst(opened, adapter, field, after, limit + 1);
            boolean more = found.size() > limit;
            return new AuditLog.Page(List.copyOf(more ? found.subList(0, limit) : found), more);
        } finally {
            for (InputStream in : opened) {
                in.close();
            }
        }
    }

    private static List<AuditLog.Entry> oldestFirst(List<InputStream> newestFirst, String adapter, String field,
            Long after, int wanted) throws IOException {
        List<InputStream> files = new ArrayList<>(newestFirst);
        Collections.reverse(files);
        List<AuditLog.Entry> out = new ArrayList<>(wanted);
        for (InputStream file : files) {
            try (BufferedReader in = AuditFiles.lines(file)) {
                for (String raw = in.readLine(); raw != null && out.size() < wanted; raw = in.readLine()) {
                    AuditLog.Entry e = match(raw, adapter, field);
                    if (e != null && (after == null || e.seq() > after)) {
                        out.add(e);
                    }
                }
            }
            if (out.size() == wanted) {
                break;
            }
        }
        return out;
    }

    /** Each file is read forwards, keeping only its newest matches: no file is read backwards. */
    private static List<AuditLog.Entry> newestFirst(List<InputStream> files, String adapter, String field,
            Long after, int wanted) throws IOException {
        List<AuditLog.Entry> out = new ArrayList<>(wanted);
        for (InputStream file : files) {
            Deque<AuditLog.Entry> newest = new ArrayDeque<>();
            try (BufferedReader in = AuditFiles.lines(file)) {
                for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
                    AuditLog.Entry e = match(raw, adapter, field);
                    if (e != null && (after == null || e.seq() < after)) {
                        newest.addLast(e);
                        if (newest.size() > wanted - out.size()) {
                            newest.removeFirst();
                        }
                    }
                }
            }
            newest.descendingIterator().forEachRemaining(out::add);
            if (out.size() == wanted) {
                break;
            }
        }
        return out;
    }

    private static AuditLog.Entry match(String raw, String adapter, String field) {
        if (!raw.contains(field)) {
            return null;
        }
        AuditLog.Entry e = AuditJson.parse(raw);
        return e != null && e.event().adapter().equals(adapter) ? e : null;
    }
}
