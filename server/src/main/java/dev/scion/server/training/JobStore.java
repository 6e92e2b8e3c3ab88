package dev.scion.server.training;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.engine.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs on disk: {@code <dir>/<id>.json} is a job's record, replaced atomically (temp file, fsync, rename) at every
 * change, so a crash leaves the old record or the new one; {@code <dir>/<id>.events.jsonl} its events, appended.
 * Events are not forced to disk one by one (a step's metrics are cheap to lose); records are. Every record is kept
 * in memory, events are read from disk when asked for.
 */
final class JobStore {
    private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);

    private final Path dir;
    private final Map<String, JobRecord> jobs = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();

    private JobStore(Path dir) {
        this.dir = dir;
    }

    static JobStore open(Path dir) throws IOException {
        Files.createDirectories(dir);
        JobStore store = new JobStore(dir);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".partial")) {
                    Files.deleteIfExists(p);
                } else if (name.endsWith(".json")) {
                    store.read(p);
                }
            }
        }
        return store;
    }

    private void read(Path p) {
        try {
            JobRecord r = FineTuningJson.fromStored(FineTuningJson.JSON.readTree(p.toFile()));
            if (!Ids.isValid(r.id(), Ids.JOB) || !p.getFileName().toString().equals(r.id() + ".json")) {
                LOG.warn("ignoring {}: the job id inside does not match its name", p);
                return;
            }
            jobs.put(r.id(), r);
            seq.accumulateAndGet(r.spec().seq(), Math::max);
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring {}: unreadable job record ({})", p, e.toString());
        }
    }

    long nextSeq() {
        return seq.incrementAndGet();
    }

    /** Persists the record, then makes it the one others see. */
    synchronized void save(JobRecord r) {
        try {
            AtomicFiles.write(dir.resolve(r.id() + ".json"),
                    FineTuningJson.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(FineTuningJson.stored(r)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save job " + r.id(), e);
        }
        jobs.put(r.id(), r);
    }

    /** Changes the record in memory only, for what is not worth a write (the running job's estimate). */
    void remember(JobRecord r) {
        jobs.put(r.id(), r);
    }

    JobRecord get(String id) {
        return Ids.isValid(id, Ids.JOB) ? jobs.get(id) : null;
    }

    /** Newest first. */
    List<JobRecord> list() {
        List<JobRecord> all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparingLong((JobRecord r) -> r.spec().seq()).reversed());
        return all;
    }

    /** Appends one event to a job's history. */
    synchronized JobEvent append(String jobId, String level, String type, String message, Map<String, Object> data) {
        JobEvent e = new JobEvent(Ids.random("ftevent-"), Instant.now().getEpochSecond(), level, message, type, data);
        try {
            byte[] line = (FineTuningJson.event(e).toString() + "\n").getBytes(StandardCharsets.UTF_8);
            Files.write(eventsFile(jobId), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ex) {
            LOG.warn("cannot record an event of job {}: {}", jobId, ex.toString());
        }
        return e;
    }

    /** A job's events, newest first; a line a crash cut short is skipped. */
    synchronized List<JobEvent> events(String jobId) throws IOException {
        Path file = eventsFile(jobId);
        List<JobEvent> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            try {
                JsonNode n = FineTuningJson.JSON.readTree(line);
                out.add(FineTuningJson.eventFrom(n));
            } catch (IOException | RuntimeException e) {
                // a partial last line after a crash: the event is lost, the others stay readable
            }
        }
        java.util.Collections.reverse(out);
        return out;
    }

    private Path eventsFile(String jobId) {
        if (!Ids.isValid(jobId, Ids.JOB)) {
            throw new IllegalArgumentException("not a job id: " + jobId);
        }
        return dir.resolve(jobId + ".events.jsonl");
    }
}
