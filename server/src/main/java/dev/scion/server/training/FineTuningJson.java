package dev.scion.server.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Jobs, events, checkpoints and files in OpenAI's shapes (FineTuningJob, FineTuningJobEvent,
 * FineTuningJobCheckpoint, OpenAIFile), plus Scion's {@code scion} object on a job. A job is stored as its API
 * object plus the fields clients do not see, so one mapping serves both and a stored job reads back exactly.
 */
public final class FineTuningJson {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT = 1;

    private FineTuningJson() {}

    public static ObjectNode job(JobRecord r) {
        JobSpec s = r.spec();
        ObjectNode n = JSON.createObjectNode();
        n.put("id", s.id());
        n.put("object", "fine_tuning.job");
        n.put("created_at", s.createdAt());
        if (r.error() == null) {
            n.putNull("error");
        } else {
            ObjectNode e = n.putObject("error");
            e.put("code", r.error().code());
            e.put("message", r.error().message());
            e.put("param", r.error().param());
        }
        JobOutcome o = r.outcome();
        n.put("fine_tuned_model", o == null ? null : o.fineTunedModel());
        putLong(n, "finished_at", o == null ? null : o.finishedAt());
        n.set("hyperparameters", hyperparameters(s.hyperparameters()));
        n.put("model", s.model());
        n.put("organization_id", "scion");
        ArrayNode files = n.putArray("result_files");
        if (o != null) {
            o.resultFiles().forEach(files::add);
        }
        n.put("status", r.status().jsonName());
        putLong(n, "trained_tokens", o == null ? null : o.trainedTokens());
        n.put("training_file", s.trainingFile());
        n.put("validation_file", s.validationFile());
        n.putArray("integrations");
        n.put("seed", s.seed());
        putLong(n, "estimated_finish", r.estimatedFinish());
        ObjectNode method = n.putObject("method");
        method.put("type", "supervised");
        method.putObject("supervised").set("hyperparameters", hyperparameters(s.hyperparameters()));
        if (s.metadata() == null) {
            n.putNull("metadata");
        } else {
            ObjectNode m = n.putObject("metadata");
            s.metadata().forEach(m::put);
        }
        n.set("scion", scion(s));
        return n;
    }

    private static ObjectNode hyperparameters(Hyperparameters h) {
        ObjectNode n = JSON.createObjectNode();
        if (h.nEpochs() == null) {
            n.put("n_epochs", "auto");
        } else {
            n.put("n_epochs", h.nEpochs());
        }
        n.put("batch_size", h.batchSize());
        n.put("learning_rate_multiplier", h.learningRateMultiplier());
        return n;
    }

    private static ObjectNode scion(JobSpec s) {
        JobSettings t = s.settings();
        ObjectNode n = JSON.createObjectNode();
        n.put("adapter", s.adapter());
        n.put("source", s.watched() ? "watch" : "api");
        n.put("rank", t.rank());
        n.put("alpha", t.alpha());
        if (t.targets() == null) {
            n.putNull("targets");
        } else {
            t.targets().forEach(n.putArray("targets")::add);
        }
        n.put("replay_ratio", t.replayRatio());
        n.put("ewc_lambda", t.ewcLambda());
        n.put("canary_percent", t.canaryPercent());
        n.put("max_forgetting", t.maxForgetting());
        n.put("save_steps", t.saveSteps());
        n.put("max_epochs", t.maxEpochs());
        n.put("target_exact_match", t.targetExactMatch());
        n.put("min_learned", t.minLearned());
        return n;
    }

    private static void putLong(ObjectNode n, String field, Long value) {
        if (value == null) {
            n.putNull(field);
        } else {
            n.put(field, value);
        }
    }

    /** The stored form: the API object plus what clients do not see. */
    static ObjectNode stored(JobRecord r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.set("job", job(r));
        ObjectNode internal = root.putObject("internal");
        JobSpec s = r.spec();
        internal.put("seq", s.seq());
        internal.put("from", s.from());
        internal.put("suffix", s.suffix());
        internal.put("actor", s.actor());
        internal.put("watched", s.watched());
        if (r.outcome() != null) {
            internal.put("steps", r.outcome().steps());
            putFinite(internal, "train_loss", r.outcome().trainLoss());
            putFinite(internal, "valid_loss", r.outcome().validLoss());
        }
        return root;
    }

    private static void putFinite(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        }
    }

    /** Reads {@link #stored}; IllegalArgumentException when something is missing or of the wrong kind. */
    static JobRecord fromStored(JsonNode root) {
        if (root.path("format").asInt() != FORMAT) {
            throw new IllegalArgumentException("unknown format " + root.path("format"));
        }
        JsonNode j = root.path("job");
        JsonNode in = root.path("internal");
        JsonNode h = j.path("hyperparameters");
        JsonNode t = j.path("scion");
        List<String> targets = null;
        if (t.path("targets").isArray()) {
            targets = new ArrayList<>();
            for (JsonNode target : t.get("targets")) {
                targets.add(target.asText());
            }
        }
        JobSettings settings = new JobSettings(intOrNull(t, "rank"), doubleOrNull(t, "alpha"), targets,
                doubleOrNull(t, "replay_ratio"), doubleOrNull(t, "ewc_lambda"), intOrNull(t, "canary_percent"),
                doubleOrNull(t, "max_forgetting"), intOrNull(t, "save_steps"), intOrNull(t, "max_epochs"),
                doubleOrNull(t, "target_exact_match"), doubleOrNull(t, "min_learned"));
        Map<String, String> metadata = null;
        if (j.path("metadata").isObject()) {
            metadata = new LinkedHashMap<>();
            for (var e : j.get("metadata").properties()) {
                metadata.put(e.getKey(), e.getValue().asText());
            }
        }
        JobSpec spec = new JobSpec(text(j, "id"), in.path("seq").asLong(), j.path("created_at").asLong(),
                text(j, "model"), text(t, "adapter"), text(in, "from"), text(j, "training_file"),
                textOrNull(j, "validation_file"),
                new Hyperparameters(h.path("n_epochs").isInt() ? h.path("n_epochs").asInt() : null, h.path("batch_size").asInt(),
                        h.path("learning_rate_multiplier").asDouble()),
                j.path("seed").asLong(), textOrNull(in, "suffix"), metadata, settings, text(in, "actor"),
                in.path("watched").asBoolean());
        JobStatus status = JobStatus.fromJsonName(text(j, "status"));
        JobError error = j.path("error").isObject() ? new JobError(text(j.get("error"), "code"),
                text(j.get("error"), "message"), textOrNull(j.get("error"), "param")) : null;
        JobOutcome outcome = null;
        if (status.isFinal()) {
            List<String> results = new ArrayList<>();
            j.path("result_files").forEach(f -> results.add(f.asText()));
            outcome = new JobOutcome(textOrNull(j, "fine_tuned_model"), j.path("finished_at").asLong(),
                    j.path("trained_tokens").isIntegralNumber() ? j.get("trained_tokens").asLong() : null, results,
                    in.path("steps").asInt(), in.path("train_loss").asDouble(Double.NaN),
                    in.path("valid_loss").asDouble(Double.NaN));
        }
        return new JobRecord(spec, status, error, outcome, null);
    }

    public static ObjectNode event(JobEvent e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("object", "fine_tuning.job.event");
        n.put("id", e.id());
        n.put("created_at", e.createdAt());
        n.put("level", e.level());
        n.put("message", e.message());
        n.put("type", e.type());
        n.set("data", JSON.valueToTree(e.data()));
        return n;
    }

    @SuppressWarnings("unchecked")
    static JobEvent eventFrom(JsonNode n) {
        return new JobEvent(text(n, "id"), n.path("created_at").asLong(), text(n, "level"), text(n, "message"),
                text(n, "type"), JSON.convertValue(n.path("data"), Map.class));
    }

    /**
     * The one checkpoint a succeeded job has: its published version, servable as {@code name@version}. The
     * trainer's resume checkpoints are not models one could serve, so they are not listed.
     */
    public static ObjectNode checkpoint(JobRecord r) {
        JobOutcome o = r.outcome();
        ObjectNode n = JSON.createObjectNode();
        n.put("object", "fine_tuning.job.checkpoint");
        n.put("id", checkpointId(r));
        n.put("created_at", o.finishedAt());
        n.put("fine_tuned_model_checkpoint", o.fineTunedModel());
        n.put("fine_tuning_job_id", r.id());
        n.put("step_number", o.steps());
        ObjectNode metrics = n.putObject("metrics");
        metrics.put("step", o.steps());
        putFinite(metrics, "train_loss", o.trainLoss());
        putFinite(metrics, "valid_loss", o.validLoss());
        putFinite(metrics, "full_valid_loss", o.validLoss());
        return n;
    }

    public static String checkpointId(JobRecord r) {
        return "ftckpt-" + r.id().substring(Ids.JOB.length());
    }

    public static ObjectNode file(StoredFile f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", f.id());
        n.put("object", "file");
        n.put("bytes", f.bytes());
        n.put("created_at", f.createdAt());
        n.put("filename", f.filename());
        n.put("purpose", f.purpose());
        n.put("status", "processed");
        return n;
    }

    /** OpenAI's answer to a file's deletion. */
    public static ObjectNode deleted(StoredFile f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", f.id());
        n.put("object", "file");
        n.put("deleted", true);
        return n;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("missing text field " + field);
        }
        return v.asText();
    }

    private static String textOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Integer intOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asInt();
    }

    private static Double doubleOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asDouble();
    }
}
