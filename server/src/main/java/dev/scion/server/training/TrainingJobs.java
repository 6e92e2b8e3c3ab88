package dev.scion.server.training;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.store.AdapterNotFoundException;
import dev.scion.engine.store.PublishSource;
import dev.scion.server.adapters.AdapterService;
import dev.scion.server.api.FineTuningJobRequest;
import dev.scion.server.config.TrainingConfig;
import dev.scion.server.errors.ConflictException;
import dev.scion.server.errors.InvalidRequestException;
import dev.scion.server.errors.NotFoundException;
import dev.scion.server.errors.UnavailableException;
import dev.scion.server.metrics.ServerMetrics;
import dev.scion.trainer.RoundRequest;
import dev.scion.trainer.TrainOptions;
import dev.scion.trainer.data.Dataset;
import dev.scion.trainer.data.DatasetException;
import dev.scion.trainer.data.DatasetOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fine-tuning jobs run inside the server, on the base weights it already serves (no second copy). A job is
 * created {@code validating_files}; one validator thread loads its files as the trainer will (so a bad line fails
 * the job at once, not after the queue), then it is {@code queued} on the one trainer thread, which runs one round
 * at a time ({@link JobRunner}) paced by {@link DutyCycleControl}. Every change of a job is persisted before it is
 * visible; on start, jobs that were validating or queued are picked up again and the one that was running resumes
 * from its newest checkpoint. Neither thread is a Vert.x thread: nothing here runs on an event loop.
 */
public final class TrainingJobs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingJobs.class);
    /** How long closing waits for the running round to reach its next micro-batch and stop. */
    private static final long STOP_WAIT_SECONDS = 60;

    private final FileStore files;
    private final JobStore jobs;
    private final LoadedModel model;
    private final String baseId;
    private final AdapterService adapters;
    private final TrainingConfig config;
    private final int maxLoraRank;
    private final JobRunner runner;
    private final ExecutorService validator = Executors.newSingleThreadExecutor(daemon("scion-job-validator"));
    private final ExecutorService trainer = Executors.newSingleThreadExecutor(daemon("scion-trainer"));
    /** Guards status changes, so a cancel and the trainer thread never both decide a job's next state. */
    private final Object lock = new Object();
    private volatile boolean closing;
    private FolderWatcher watcher;

    private TrainingJobs(FileStore files, JobStore jobs, LoadedModel model, String baseId, AdapterService adapters,
            TrainingConfig config, int maxLoraRank, ServerMetrics metrics, BooleanSupplier servingBusy,
            long minFreeDisk) {
        this.files = files;
        this.jobs = jobs;
        this.model = model;
        this.baseId = baseId;
        this.adapters = adapters;
        this.config = config;
        this.maxLoraRank = maxLoraRank;
        this.runner = new JobRunner(this, model, adapters, files, metrics, config.dutyCycle(), servingBusy,
                minFreeDisk);
        metrics.gauge("scion.training.jobs.queued", "Fine-tuning jobs validating or waiting for the trainer",
                () -> count(JobStatus.VALIDATING_FILES) + count(JobStatus.QUEUED));
        metrics.gauge("scion.training.jobs.running", "Fine-tuning jobs training now (0 or 1)",
                () -> count(JobStatus.RUNNING));
    }

    /**
     * Opens the files and jobs under {@code dataDir} and picks up every unfinished job: the one that was running
     * resumes first, then the queued ones in creation order.
     *
     * @param baseId the base model's id, as requests name it
     * @param servingBusy whether the engine has requests, for the duty cycle
     * @param minFreeDisk what a round's publish must leave free on the store's disk ({@code --min-free-disk})
     */
    public static TrainingJobs start(Path dataDir, LoadedModel model, String baseId, AdapterService adapters,
            TrainingConfig config, int maxLoraRank, ServerMetrics metrics, BooleanSupplier servingBusy,
            long minFreeDisk) throws IOException {
        TrainingJobs t = new TrainingJobs(FileStore.open(dataDir.resolve("files")),
                JobStore.open(dataDir.resolve("fine_tuning").resolve("jobs")), model, baseId, adapters, config,
                maxLoraRank, metrics, servingBusy, minFreeDisk);
        List<JobRecord> pending = new ArrayList<>(t.jobs.list());
        pending.sort(Comparator.comparing((JobRecord r) -> r.status() != JobStatus.RUNNING)
                .thenComparingLong(r -> r.spec().seq()));
        for (JobRecord r : pending) {
            switch (r.status()) {
                case VALIDATING_FILES -> t.validator.execute(() -> t.validate(r.id()));
                case QUEUED -> t.trainer.execute(() -> t.train(r.id()));
                case RUNNING -> {
                    t.event(r.id(), "info", "The server restarted; the job resumes from its newest checkpoint.");
                    t.trainer.execute(() -> t.train(r.id()));
                }
                default -> { }
            }
        }
        if (config.watch() != null) {
            try {
                t.watcher = FolderWatcher.start(config.watch(), t, config.triggerExamples(), config.watchInterval());
            } catch (IOException | RuntimeException e) {
                t.close();
                throw e;
            }
        }
        return t;
    }

    /** The watched folder's scanner, or null without --watch. */
    public FolderWatcher watcher() {
        return watcher;
    }

    public FileStore files() {
        return files;
    }

    /** The job, or null when none has this id. */
    public JobRecord get(String id) {
        return jobs.get(id);
    }

    /** Every job, newest first. */
    public List<JobRecord> list() {
        return jobs.list();
    }

    /** A job's events, newest first. */
    public List<JobEvent> events(String id) throws IOException {
        return jobs.events(id);
    }

    private long count(JobStatus status) {
        return jobs.list().stream().filter(r -> r.status() == status).count();
    }

    /**
     * Creates a job from a validated request. Blocking (it reads the store): call it off the event loop.
     *
     * @param actor who asks, for the audit log
     * @throws NotFoundException an unknown model
     * @throws InvalidRequestException an unknown file, a suffix that clashes, settings the trainer refuses
     * @throws UnavailableException when the server is shutting down
     */
    public JobRecord create(FineTuningJobRequest q, String actor) {
        if (closing) {
            throw new UnavailableException("the server is shutting down");
        }
        TrainOptions defaults = TrainOptions.defaults();
        Hyperparameters h = new Hyperparameters(q.nEpochs(),
                q.batchSize() != null ? q.batchSize() : defaults.batchSize(),
                q.learningRateMultiplier() != null ? q.learningRateMultiplier() : 1.0);
        long seed = q.seed() != null ? q.seed() : defaults.seed();
        String id = Ids.random(Ids.JOB);
        synchronized (lock) {
            // under the lock that file deletes take, so no file is deleted between this check and the job's saving
            StoredFile training = trainingFile(q.trainingFile(), "training_file");
            if (q.validationFile() != null) {
                trainingFile(q.validationFile(), "validation_file");
            }
            if (q.settings().rank() != null && q.settings().rank() > maxLoraRank) {
                throw new InvalidRequestException("scion.rank must be at most " + maxLoraRank + " (--max-lora-rank), "
                        + "got " + q.settings().rank(), "scion.rank");
            }
            Target target = target(q.model(), q.suffix(), id);
            try {
                q.settings().options(h, seed, target.from());
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(e.getMessage(), "scion");
            }
            JobSpec spec = new JobSpec(id, jobs.nextSeq(), Instant.now().getEpochSecond(), q.model(),
                    target.adapter(), target.from(), training.id(), q.validationFile(), h, seed, q.suffix(),
                    q.metadata(), q.settings(), actor, false);
            return submit(spec);
        }
    }

    /**
     * Deletes a stored file, unless a job that has not ended will read it (its training or validation file): such a
     * delete is a conflict, as the job would fail for it (a job reads its files again when it resumes after a restart).
     *
     * @throws NotFoundException for no such file
     * @throws ConflictException for a file in use
     */
    public StoredFile deleteFile(String id) throws IOException {
        synchronized (lock) {
            StoredFile f = files.get(id);
            if (f == null) {
                throw fileNotFound(id);
            }
            List<String> users = jobs.list().stream().filter(r -> !r.status().isFinal())
                    .filter(r -> id.equals(r.spec().trainingFile()) || id.equals(r.spec().validationFile()))
                    .map(JobRecord::id).sorted().toList();
            if (!users.isEmpty()) {
                throw new ConflictException("File " + id + " is a file of fine-tuning job(s) "
                        + String.join(", ", users) + ", which have not ended; cancel them or wait for them to end "
                        + "before deleting it", "file_id", "file_in_use");
            }
            files.delete(id);
            return f;
        }
    }

    /** The refusal of a file id that no file has. */
    public static NotFoundException fileNotFound(String id) {
        return new NotFoundException("No file with id '" + id + "'", "file_id", "file_not_found");
    }

    /**
     * Creates the job for a batch of the watched folder, under the id its files were claimed for; a job of that id
     * that exists already is returned as it is (the watcher repeats this step after a crash).
     */
    JobRecord createWatched(String id, StoredFile training) {
        synchronized (lock) {
            if (closing) {
                throw new IllegalStateException("the server is shutting down"); // the batch gets its job on start
            }
            JobRecord existing = jobs.get(id);
            if (existing != null) {
                return existing;
            }
            String adapter = config.watchAdapter();
            TrainOptions defaults = TrainOptions.defaults();
            Hyperparameters h = new Hyperparameters(defaults.epochs(), defaults.batchSize(), 1.0);
            JobSettings settings = new JobSettings(null, null, null, null, null,
                    config.watchCanaryPercent() == 0 ? null : config.watchCanaryPercent(), null, null, null, null, null);
            JobSpec spec = new JobSpec(id, jobs.nextSeq(), Instant.now().getEpochSecond(),
                    adapters.exists(adapter) ? adapter : baseId, adapter, "latest", training.id(), null, h,
                    defaults.seed(), null, null, settings, "scion", true);
            return submit(spec);
        }
    }

    private JobRecord submit(JobSpec spec) {
        JobRecord r = JobRecord.created(spec);
        jobs.save(r);
        event(r.id(), "info", "Created fine-tuning job " + r.id() + " for adapter '" + spec.adapter() + "'.");
        event(r.id(), "info", "Validating training file: " + spec.trainingFile()
                + (spec.validationFile() == null ? "" : " and validation file: " + spec.validationFile()));
        later(validator, () -> validate(r.id()));
        return r;
    }

    /**
     * Hands work to one of the job threads; once they are shut down the job stays as it is on disk, where the next
     * start picks it up.
     */
    private static void later(ExecutorService thread, Runnable work) {
        try {
            thread.execute(work);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.info("the server is stopping: the job continues on the next start");
        }
    }

    /** Where a round starts and what it publishes, from the request's {@code model} and {@code suffix}. */
    private record Target(String adapter, String from) {}

    private Target target(String model, String suffix, String jobId) {
        if (model.equals(baseId)) {
            String adapter = suffix != null ? suffix : jobId;
            if (adapters.exists(adapter) || pendingFor(adapter)) {
                throw new InvalidRequestException("An adapter named '" + adapter + "' exists or is being trained "
                        + "already: to continue it, send model '" + adapter + "'; to train a new one, pick another "
                        + "suffix", "suffix");
            }
            return new Target(adapter, "base");
        }
        int at = model.lastIndexOf('@');
        String name = at > 0 ? model.substring(0, at) : model;
        if (suffix != null && !suffix.equals(name)) {
            throw new InvalidRequestException("Training adapter '" + name + "' publishes its next version under its "
                    + "own name; suffix must be absent or '" + name + "', got '" + suffix + "'", "suffix");
        }
        if (at > 0) {
            String version = model.substring(at + 1);
            try {
                adapters.store().resolve(name, Integer.parseInt(version));
            } catch (NumberFormatException | AdapterNotFoundException e) {
                throw NotFoundException.model(model);
            } catch (IOException | RuntimeException e) {
                throw NotFoundException.model(model); // a name the store refuses is no model either
            }
            return new Target(name, version);
        }
        if (!adapters.exists(name) && !pendingFor(name)) {
            throw NotFoundException.model(model);
        }
        return new Target(name, "latest");
    }

    /** Whether an unfinished job will publish {@code adapter}. */
    private boolean pendingFor(String adapter) {
        return jobs.list().stream().anyMatch(r -> !r.status().isFinal() && r.spec().adapter().equals(adapter));
    }

    private StoredFile trainingFile(String id, String param) {
        StoredFile f = files.get(id);
        if (f == null) {
            throw new InvalidRequestException(param + ": no file with id '" + id + "'; upload it "
                    + "with POST /v1/files first", param, "file_not_found");
        }
        if (!f.purpose().equals(StoredFile.FINE_TUNE)) {
            throw new InvalidRequestException(param + ": file " + id + " has purpose '" + f.purpose()
                    + "'; training data needs purpose 'fine-tune'", param);
        }
        return f;
    }

    /** Loads the job's files as the trainer will: a file the trainer would refuse fails the job now. */
    private void validate(String id) {
        JobRecord r = jobs.get(id);
        if (r == null || r.status() != JobStatus.VALIDATING_FILES || closing) {
            return;
        }
        JobSpec s = r.spec();
        try {
            TrainOptions o = s.settings().options(s.hyperparameters(), s.seed(), s.from());
            DatasetOptions d = new DatasetOptions(o.format(), o.maxLength(), o.trainOnPrompt(), o.skipBadLines());
            String summary = check(s.trainingFile(), d, "training_file");
            event(id, "info", "Training file " + s.trainingFile() + ": " + summary);
            if (s.validationFile() != null) {
                event(id, "info", "Validation file " + s.validationFile() + ": "
                        + check(s.validationFile(), d, "validation_file"));
            }
        } catch (JobFailure f) {
            fail(id, JobStatus.VALIDATING_FILES, f.error);
            return;
        } catch (IOException | RuntimeException e) {
            if (closing) {
                return; // interrupted by shutdown: validated again on the next start
            }
            LOG.error("validating the files of job {} failed", id, e);
            fail(id, JobStatus.VALIDATING_FILES, internalError());
            return;
        }
        synchronized (lock) {
            JobRecord now = jobs.get(id);
            if (now.status() != JobStatus.VALIDATING_FILES) {
                return; // cancelled meanwhile
            }
            jobs.save(now.with(JobStatus.QUEUED));
        }
        event(id, "info", "Files validated; the job is queued.");
        later(trainer, () -> train(id));
    }

    private String check(String fileId, DatasetOptions options, String param) throws IOException, JobFailure {
        Path content = files.content(fileId);
        try {
            Dataset data = Dataset.load(content, model, options);
            return data.report().used() + " examples, " + data.report().tokens() + " tokens ("
                    + data.report().format().name().toLowerCase(java.util.Locale.ROOT) + " format)";
        } catch (DatasetException e) {
            throw new JobFailure(new JobError("invalid_" + param, fileId + ": "
                    + e.getMessage().replace(content.toString(), fileId), param));
        }
    }

    /** A job that cannot go on, with the error it ends with. */
    static final class JobFailure extends Exception {
        final transient JobError error;

        JobFailure(JobError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }

    static JobError internalError() {
        return new JobError("server_error", "The job failed because of an error in the server; its log has the "
                + "details.", null);
    }

    /** The trainer thread's entry: runs the job if it is still queued (or was running before a restart). */
    private void train(String id) {
        boolean resume;
        synchronized (lock) {
            JobRecord r = jobs.get(id);
            if (r == null || closing) {
                return; // on close, queued jobs stay queued for the next start
            }
            if (r.status() == JobStatus.QUEUED) {
                resume = false;
                jobs.save(r.with(JobStatus.RUNNING));
            } else if (r.status() == JobStatus.RUNNING) {
                resume = true;
            } else {
                return; // cancelled while it waited
            }
            runner.begin(id);
        }
        event(id, "info", resume ? "Resuming the round." : "Fine-tuning job started.");
        runner.run(jobs.get(id), request(jobs.get(id).spec(), resume));
    }

    private RoundRequest request(JobSpec s, boolean resume) {
        TrainOptions options = s.settings().options(s.hyperparameters(), s.seed(), s.from());
        Path eval = s.validationFile() == null ? null : files.content(s.validationFile());
        return new RoundRequest(s.adapter(), files.content(s.trainingFile()), eval, options, resume,
                PublishSource.TRAINER);
    }

    /** Records how a round ended, unless the job was meanwhile cancelled (a cancel wins over a late failure). */
    void finish(String id, JobRecord end) {
        synchronized (lock) {
            JobRecord now = jobs.get(id);
            if (now.status() == JobStatus.RUNNING) {
                jobs.save(end);
            }
        }
    }

    /** Keeps the estimate in memory only: it changes every step and is worthless after a restart. */
    void estimate(String id, long finishEpochSeconds) {
        synchronized (lock) {
            JobRecord now = jobs.get(id);
            if (now.status() == JobStatus.RUNNING) {
                jobs.remember(now.estimated(finishEpochSeconds));
            }
        }
    }

    private void fail(String id, JobStatus expected, JobError error) {
        synchronized (lock) {
            JobRecord now = jobs.get(id);
            if (now.status() != expected) {
                return;
            }
            jobs.save(now.ended(JobStatus.FAILED, error));
        }
        event(id, "error", error.message());
        runner.metrics().recordTrainingRound("failed");
    }

    JobEvent event(String id, String level, String message) {
        return jobs.append(id, level, "message", message, Map.of());
    }

    JobEvent metricsEvent(String id, String message, Map<String, Object> data) {
        return jobs.append(id, "info", "metrics", message, data);
    }

    boolean closing() {
        return closing;
    }

    /**
     * Cancels a job. One that waits ends {@code cancelled} at once; the running one stops at its next micro-batch
     * and the future completes when it has (with {@code succeeded} if the round had already published).
     *
     * @throws NotFoundException for an unknown job
     * @throws InvalidRequestException for one that has ended
     */
    public CompletableFuture<JobRecord> cancel(String id) {
        synchronized (lock) {
            JobRecord r = jobs.get(id);
            if (r == null) {
                throw notFound(id);
            }
            if (r.status().isFinal()) {
                throw new InvalidRequestException("Job " + id + " has already " + r.status().jsonName()
                        + "; only jobs that are validating, queued or running can be cancelled", null);
            }
            CompletableFuture<JobRecord> running = runner.cancel(id);
            if (running != null) {
                return running;
            }
            // waiting for validation or the trainer (a job resumed after a restart included): it never starts
            jobs.save(r.ended(JobStatus.CANCELLED, null));
        }
        event(id, "info", "The job was cancelled.");
        runner.metrics().recordTrainingRound("cancelled");
        return CompletableFuture.completedFuture(jobs.get(id));
    }

    public static NotFoundException notFound(String id) {
        return new NotFoundException("No fine-tuning job with id '" + id + "'", "fine_tuning_job_id", "job_not_found");
    }

    /** Stops both threads: a running round stops at its next micro-batch and resumes on the next start. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        closing = true;
        validator.shutdownNow(); // the dataset loader stops when interrupted; the job validates again on start
        runner.stopForShutdown();
        trainer.shutdown(); // queued tasks return at once: train() sees closing
        try {
            if (!trainer.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.error("the training round did not stop within {} s", STOP_WAIT_SECONDS);
            }
            validator.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
