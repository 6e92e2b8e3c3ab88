package dev.scion.server.training;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous learning from a folder: once the {@code *.jsonl} files dropped into it hold at least the trigger's
 * number of examples (non-blank lines), they become one fine-tuning job for the watched adapter.
 *
 * <p>A file counts only once its size and modification time are the same in two scans in a row, so a file still
 * being written is left alone (writing elsewhere and renaming it in is safer still). Names starting with a dot are
 * ignored. A file that is not JSONL (not UTF-8, a line that is not a JSON object) goes to {@code failed/} with a
 * {@code .reason.txt} beside it, and so does a symbolic link, which is never followed.
 *
 * <p>A batch is claimed by renaming its files into {@code processing/<job id>/} before the job exists; the job's
 * training file is their concatenation. When the job has ended they move to {@code processed/} (succeeded) or
 * {@code failed/} (anything else, with the job's error as the reason). Each scan first settles those folders: a
 * claimed batch without a job (a crash between the two steps) gets its job, a finished one is moved on. A file is
 * therefore never lost and never trained twice, across restarts too.
 */
public final class FolderWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FolderWatcher.class);

    private final Path dir;
    private final Path processing;
    private final Path processed;
    private final Path failed;
    private final TrainingJobs jobs;
    private final int trigger;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "scion-watch");
        t.setDaemon(true);
        return t;
    });
    /** Each candidate's size and time in the previous scan, and its example count once checked. */
    private Map<Path, Seen> previous = new HashMap<>();
    private final AtomicLong scans = new AtomicLong();

    private record Seen(long size, long modified, Long examples) {
        boolean sameFile(Seen other) {
            return other != null && size == other.size && modified == other.modified;
        }
    }

    private FolderWatcher(Path dir, TrainingJobs jobs, int trigger) {
        this.dir = dir;
        this.processing = dir.resolve("processing");
        this.processed = dir.resolve("processed");
        this.failed = dir.resolve("failed");
        this.jobs = jobs;
        this.trigger = trigger;
    }

    /** Creates the folders and scans every {@code interval}, the first time at once. */
    static FolderWatcher start(Path dir, TrainingJobs jobs, int trigger, Duration interval) throws IOException {
        FolderWatcher w = new FolderWatcher(dir, jobs, trigger);
        for (Path p : List.of(dir, w.processing, w.processed, w.failed)) {
            Files.createDirectories(p);
        }
        w.timer.scheduleWithFixedDelay(w::scan, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("watching {} for training files: {} examples start a round", dir, trigger);
        return w;
    }

    /** Scans completed so far. */
    public long scans() {
        return scans.get();
    }

    private void scan() {
        try {
            settle();
            collect();
        } catch (IOException | RuntimeException e) {
            LOG.warn("scanning {} failed: {}", dir, e.toString());
        } finally {
            scans.incrementAndGet();
        }
    }

    /** Gives claimed batches their job, and moves the files of finished jobs on. */
    private void settle() throws IOException {
        for (Path batch : entries(processing)) {
            String id = batch.getFileName().toString();
            if (!Ids.isValid(id, Ids.JOB) || !Files.isDirectory(batch, LinkOption.NOFOLLOW_LINKS)) {
                continue; // not ours: left for the operator
            }
            JobRecord job = jobs.get(id);
            if (job == null) {
                createJob(id, batch);
            } else if (job.status().isFinal()) {
                boolean ok = job.status() == JobStatus.SUCCEEDED;
                String reason = "job " + id + " " + job.status().jsonName()
                        + (job.error() == null ? "" : ": " + job.error().message());
                for (Path f : entries(batch)) {
                    moveAside(f, ok ? processed : failed, ok ? null : reason, id);
                }
                Files.delete(batch);
                LOG.info("{} files of job {} moved to {}", ok ? "training" : "failed training", id,
                        ok ? processed : failed);
            }
        }
    }

    private void createJob(String id, Path batch) throws IOException {
        List<Path> sources = entries(batch);
        StoredFile data = jobs.files().addConcatenated(Ids.FILE + id.substring(Ids.JOB.length()), sources,
                "watch-" + id + ".jsonl");
        jobs.createWatched(id, data);
        LOG.info("job {} trains on {} files of {}", id, sources.size(), dir);
    }

    /** Finds stable files, sets bad ones aside, and claims a batch once there are enough examples. */
    private void collect() throws IOException {
        Map<Path, Seen> now = new HashMap<>();
        List<Path> ready = new ArrayList<>();
        long examples = 0;
        for (Path f : entries(dir)) {
            String name = f.getFileName().toString();
            if (name.startsWith(".") || !name.endsWith(".jsonl")) {
                continue;
            }
            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                moveAside(f, failed, "symbolic links are not followed: copy the file itself into the folder", null);
                continue;
            }
            if (!a.isRegularFile() || a.size() == 0) {
                continue;
            }
            Seen seen = new Seen(a.size(), a.lastModifiedTime().toMillis(), null);
            Seen before = previous.get(f);
            if (!seen.sameFile(before)) {
                now.put(f, seen); // new or still changing: look again next scan
                continue;
            }
            Long count = before.examples();
            if (count == null) {
                try {
                    count = JsonlCheck.examples(f);
                } catch (JsonlCheck.InvalidFileException e) {
                    moveAside(f, failed, e.getMessage(), null);
                    continue;
                }
            }
            now.put(f, new Seen(seen.size(), seen.modified(), count));
            ready.add(f);
            examples += count;
        }
        previous = now;
        if (examples >= trigger) {
            claim(ready);
        }
    }

    private void claim(List<Path> ready) throws IOException {
        String id = Ids.random(Ids.JOB);
        Path batch = processing.resolve(id);
        Files.createDirectories(batch);
        ready.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path f : ready) {
            Files.move(f, batch.resolve(f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            previous.remove(f);
        }
        createJob(id, batch);
    }

    /** Moves a file into {@code folder} under a name no earlier file holds, with its reason beside it if failed. */
    private void moveAside(Path f, Path folder, String reason, String jobId) throws IOException {
        String name = f.getFileName().toString();
        Path target = folder.resolve(name);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            String tag = jobId != null ? jobId : Long.toString(System.currentTimeMillis());
            int dot = name.lastIndexOf('.');
            target = folder.resolve(dot > 0 ? name.substring(0, dot) + "." + tag + name.substring(dot) : name + "." + tag);
        }
        if (reason != null) {
            Files.writeString(folder.resolve(target.getFileName() + ".reason.txt"), "file: " + name + "\ntime: "
                    + Instant.now() + "\nreason: " + reason + "\n", StandardCharsets.UTF_8);
            LOG.warn("{} set aside in {}: {}", name, folder, reason);
        }
        Files.move(f, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static List<Path> entries(Path folder) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(folder)) {
            s.forEach(out::add);
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
