package dev.scion.server.training;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.store.AdapterManifest;
import dev.scion.server.adapters.AdapterService;
import dev.scion.server.metrics.ServerMetrics;
import dev.scion.server.storage.DiskSpace;
import dev.scion.server.storage.InsufficientStorageException;
import dev.scion.server.storage.StorageErrors;
import dev.scion.trainer.GateReport;
import dev.scion.trainer.RoundCancelledException;
import dev.scion.trainer.RoundRequest;
import dev.scion.trainer.RoundResult;
import dev.scion.trainer.StepProgress;
import dev.scion.trainer.TrainingListener;
import dev.scion.trainer.TrainingRound;
import dev.scion.trainer.data.DatasetException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job's round on the trainer thread and turns how it ended into the job's final record: the published
 * version, the gate's refusal, a cancel, a failure. A round stopped by the server's shutdown leaves the job
 * {@code running}, which is what makes it resume on the next start.
 */
final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final TrainingJobs jobs;
    private final LoadedModel model;
    private final AdapterService adapters;
    private final FileStore files;
    private final ServerMetrics metrics;
    private final double dutyCycle;
    private final BooleanSupplier servingBusy;
    private volatile Running current;
    private final long minFreeDisk;

    /** The round on the trainer thread now. */
    private static final class Running {
        final String id;
        final DutyCycleControl control;
        final CompletableFuture<JobRecord> done = new CompletableFuture<>();
        volatile boolean cancelledByClient;

        Running(String id, DutyCycleControl control) {
            this.id = id;
            this.control = control;
        }
    }

    JobRunner(TrainingJobs jobs, LoadedModel model, AdapterService adapters, FileStore files, ServerMetrics metrics,
            double dutyCycle, BooleanSupplier servingBusy, long minFreeDisk) {
        this.minFreeDisk = minFreeDisk;
        this.jobs = jobs;
        this.model = model;
        this.adapters = adapters;
        this.files = files;
        this.metrics = metrics;
        this.dutyCycle = dutyCycle;
        this.servingBusy = servingBusy;
    }

    ServerMetrics metrics() {
        return metrics;
    }

    /** Marks {@code id} as the running job; called under the jobs' lock, so a cancel sees it or its final state. */
    void begin(String id) {
        current = new Running(id, new DutyCycleControl(dutyCycle, servingBusy, metrics::recordTrainingPause));
    }

    /** Cancels {@code id} if it is the running round: the future completes once it has stopped; else null. */
    CompletableFuture<JobRecord> cancel(String id) {
        Running c = current;
        if (c == null || !c.id.equals(id)) {
            return null;
        }
        c.cancelledByClient = true;
        c.control.cancel();
        return c.done;
    }

    void stopForShutdown() {
        Running c = current;
        if (c != null) {
            c.control.cancel();
        }
    }

    void run(JobRecord job, RoundRequest request) {
        Running c = current;
        JobRecord end = null;
        try {
            DiskSpace storeDisk = DiskSpace.of(adapters.store().root(), minFreeDisk);
            RoundResult result = TrainingRound.run(model, adapters.store(), request, listener(job), c.control,
                    adapters.trainerPublisher(job.spec().actor(), job.id(), storeDisk));
            end = outcome(job, result);
        } catch (RoundCancelledException e) {
            if (c.cancelledByClient) {
                end = job.ended(JobStatus.CANCELLED, null);
                jobs.event(job.id(), "info", "The job was cancelled at step " + e.step() + ".");
                metrics.recordTrainingRound("cancelled");
            } else {
                jobs.event(job.id(), "info", "The server is stopping: the round stopped at step " + e.step()
                        + " and resumes from its newest checkpoint when the server starts again.");
            }
        } catch (DatasetException e) {
            end = failed(job, dataError(job, e));
        } catch (IllegalArgumentException e) {
            end = failed(job, new JobError("invalid_settings", e.getMessage(), null));
        } catch (IOException | RuntimeException | Error e) {
            InsufficientStorageException full = StorageErrors.refusal(e);
            if (full != null) {
                // The disk, not the job, is at fault: say so, as an upload would, and keep the server log short.
                LOG.warn("job {} stopped: {}", job.id(), full.getMessage());
                end = failed(job, new JobError("insufficient_storage", full.getMessage(), null));
            } else {
                LOG.error("job {} failed", job.id(), e);
                end = failed(job, TrainingJobs.internalError());
            }
        } finally {
            if (end != null) {
                jobs.finish(job.id(), end);
            }
            current = null;
            c.done.complete(jobs.get(job.id()));
        }
    }

    private JobRecord failed(JobRecord job, JobError error) {
        jobs.event(job.id(), "error", error.message());
        metrics.recordTrainingRound("failed");
        return job.ended(JobStatus.FAILED, error);
    }

    /** The trainer names a job's files by their path on the server; the client knows them by id. */
    private String withFileIds(JobSpec s, String message) {
        String out = message.replace(files.content(s.trainingFile()).toString(), s.trainingFile());
        return s.validationFile() == null ? out
                : out.replace(files.content(s.validationFile()).toString(), s.validationFile());
    }

    private JobError dataError(JobRecord job, DatasetException e) {
        JobSpec s = job.spec();
        boolean validation = s.validationFile() != null
                && e.getMessage().contains(files.content(s.validationFile()).toString());
        String param = validation ? "validation_file" : "training_file";
        return new JobError("invalid_" + param, withFileIds(s, e.getMessage()), param);
    }

    private TrainingListener listener(JobRecord job) {
        String id = job.id();
        String adapter = job.spec().adapter();
        return new TrainingListener() {
            @Override
            public void onStep(StepProgress p) {
                metrics.recordTrainingStep(adapter, p.loss(), p.learningRate(), p.tokensPerSecond());
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("step", p.step());
                data.put("total_steps", p.totalSteps());
                data.put("epoch", p.epoch());
                putFinite(data, "train_loss", p.loss());
                putFinite(data, "learning_rate", p.learningRate());
                putFinite(data, "grad_norm", p.gradNorm());
                putFinite(data, "tokens_per_second", p.tokensPerSecond());
                jobs.metricsEvent(id, String.format(Locale.ROOT, "Step %d/%d: training loss=%.4f", p.step(),
                        p.totalSteps(), p.loss()), data);
                if (Double.isFinite(p.etaSeconds()) && p.etaSeconds() >= 0) {
                    jobs.estimate(id, Instant.now().getEpochSecond() + (long) Math.ceil(p.etaSeconds()));
                }
            }

            @Override
            public void onEvent(String message) {
                jobs.event(id, "info", withFileIds(job.spec(), message));
            }
        };
    }

    private static void putFinite(Map<String, Object> data, String key, double v) {
        if (Double.isFinite(v)) {
            data.put(key, v);
        }
    }

    private JobRecord outcome(JobRecord job, RoundResult r) {
        JobSpec s = job.spec();
        GateReport gate = r.gate();
        long tokens = r.data().tokens() * Math.max(1, r.epochs());
        List<String> results = resultFiles(job, r);
        long now = Instant.now().getEpochSecond();
        metrics.recordTrainingGate(r.isPublished());
        if (r.isPublished()) {
            AdapterManifest m = r.published();
            String name = m.name() + "@" + m.version();
            jobs.event(job.id(), "info", "New fine-tuned model: " + name);
            jobs.event(job.id(), "info", "The job has successfully completed.");
            metrics.recordTrainingRound("succeeded");
            return job.finished(JobStatus.SUCCEEDED, null, new JobOutcome(name, now, tokens, results, r.steps(),
                    r.finalLoss(), gate == null ? Double.NaN : gate.lossAfter()));
        }
        String why = "The evaluation gate refused the trained adapter, so no version was published: "
                + (gate == null ? "no report" : gate.reason());
        adapters.gateRefused(s.adapter(), s.actor(), why);
        jobs.event(job.id(), "error", why);
        metrics.recordTrainingRound("failed");
        return job.finished(JobStatus.FAILED, new JobError("gate_refused", why, null), new JobOutcome(null, now,
                tokens, results, r.steps(), r.finalLoss(), gate == null ? Double.NaN : gate.lossAfter()));
    }

    /** The round's loss curve, kept as a file of purpose fine-tune-results (OpenAI's results file). */
    private List<String> resultFiles(JobRecord job, RoundResult r) {
        if (r.lossCsv() == null || !Files.isRegularFile(r.lossCsv())) {
            return List.of();
        }
        try {
            return List.of(files.add(r.lossCsv(), job.id() + "-loss.csv", StoredFile.RESULTS).id());
        } catch (IOException e) {
            LOG.warn("cannot keep the loss curve of job {}: {}", job.id(), e.toString());
            return List.of();
        }
    }
}
