package dev.scion.server.adapters.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.io.Durable;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit log on disk: {@code audit.jsonl}, rotated by size to {@code audit.1.jsonl} (the newest rotated file),
 * {@code audit.2.jsonl}, ..., keeping {@code keep} of them. Only the writer thread appends; readers open the files
 * under {@link #renames}, so a rotation never moves a file between their listing and their opening it.
 */
final class AuditFiles implements AutoCloseable {
    static final String CURRENT = "audit.jsonl";

    private final Path root;
    private final long maxBytes;
    private final int keep;
    private final Object renames = new Object();
    private FileChannel out;
    private long size;
    private long lastSeq;

    private AuditFiles(Path root, long maxBytes, int keep) {
        this.root = root;
        this.maxBytes = maxBytes;
        this.keep = keep;
    }

    /** Opens the log in {@code root}: numbers a log from before sequence numbers, ends a torn last line. */
    static AuditFiles open(Path root, long maxBytes, int keep) throws IOException {
        AuditFiles files = new AuditFiles(root, maxBytes, keep);
        Path current = root.resolve(CURRENT);
        if (Files.exists(current) && isLegacy(current)) {
            number(current);
        }
        files.out = FileChannel.open(current, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        files.size = files.out.size();
        if (files.size > 0 && !endsWithNewline(current)) {
            files.write(ByteBuffer.wrap(new byte[] {'\n'})); // the torn line stays a line of its own, skipped
            files.out.force(false);
        }
        for (Path p : files.newestFirst()) {
            files.lastSeq = lastSeq(p);
            if (files.lastSeq > 0) {
                break;
            }
        }
        return files;
    }

    /** Appends the events as the next sequence numbers, rotating as the size bound requires, then forces them. */
    List<AuditLog.Entry> append(List<AuditLog.Event> events) throws IOException {
        if (!out.isOpen()) { // a rotation failed half-way: carry on in whatever audit.jsonl is now
            out = FileChannel.open(root.resolve(CURRENT), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            size = out.size();
        }
        List<AuditLog.Entry> written = new ArrayList<>(events.size());
        for (AuditLog.Event e : events) {
            byte[] line = (AuditJson.line(lastSeq + 1, e) + "\n").getBytes(StandardCharsets.UTF_8);
            if (size > 0 && size + line.length > maxBytes) {
                rotate();
            }
            write(ByteBuffer.wrap(line));
            written.add(new AuditLog.Entry(++lastSeq, e));
        }
        out.force(false);
        return written;
    }

    private void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            size += out.write(bytes);
        }
    }

    private void rotate() throws IOException {
        out.force(false);
        out.close();
        synchronized (renames) {
            for (int i = keep; Files.exists(rotated(i)) || i == keep; i++) {
                Files.deleteIfExists(rotated(i)); // the oldest, and any left from a larger --audit-keep
            }
            for (int i = keep - 1; i >= 1; i--) {
                if (Files.exists(rotated(i))) {
                    Files.move(rotated(i), rotated(i + 1), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Path current = root.resolve(CURRENT);
            if (keep > 0) {
                Files.move(current, rotated(1), StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.delete(current);
            }
            out = FileChannel.open(current, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            size = 0;
        }
        Durable.syncFolder(root);
    }

    private Path rotated(int i) {
        return root.resolve("audit." + i + ".jsonl");
    }

    /** The log's files, newest first: the current one, then the rotated ones. */
    private List<Path> newestFirst() {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve(CURRENT));
        for (int i = 1; Files.exists(rotated(i)); i++) {
            files.add(rotated(i));
        }
        return files;
    }

    /**
     * Opens every file of the log, newest first, at once: the streams read what the files held when opened, even if
     * a rotation renames or deletes them meanwhile. The caller closes them.
     */
    List<InputStream> openNewestFirst() throws IOException {
        List<InputStream> opened = new ArrayList<>();
        synchronized (renames) {
            try {
                for (Path p : newestFirst()) {
                    if (Files.exists(p)) {
                        opened.add(Files.newInputStream(p));
                    }
                }
            } catch (IOException e) {
                for (InputStream in : opened) {
                    in.close();
                }
                throw e;
            }
        }
        return opened;
    }

    static BufferedReader lines(InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    private static long lastSeq(Path file) throws IOException {
        long last = 0;
        if (!Files.exists(file)) {
            return last;
        }
        try (BufferedReader in = lines(Files.newInputStream(file))) {
            for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
                AuditLog.Entry e = AuditJson.parse(raw);
                last = e == null ? last : e.seq();
            }
        }
        return last;
    }

    /** A log from before events had ids: its first event has no sequence number. */
    private static boolean isLegacy(Path file) throws IOException {
        try (BufferedReader in = lines(Files.newInputStream(file))) {
            for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
                ObjectNode line = AuditJson.tree(raw);
                if (line != null) {
                    return !line.has("seq");
                }
            }
        }
        return false;
    }

    /** Rewrites a legacy log with sequence numbers 1, 2, ..., dropping torn lines, and replaces it atomically. */
    private static void number(Path file) throws IOException {
        Path numbered = file.resolveSibling(".audit.jsonl.numbering");
        long seq = 0;
        try (BufferedReader in = lines(Files.newInputStream(file));
                BufferedWriter w = Files.newBufferedWriter(numbered, StandardCharsets.UTF_8)) {
            for (String raw = in.readLine(); raw != null; raw = in.readLine()) {
                ObjectNode line = AuditJson.tree(raw);
                if (line != null) {
                    w.write(AuditJson.numbered(line, ++seq));
                    w.write('\n');
                }
            }
        }
        try (FileChannel c = FileChannel.open(numbered, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        Files.move(numbered, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Durable.syncFolder(file.getParent());
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            c.read(last, c.size() - 1);
            return last.get(0) == '\n';
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
