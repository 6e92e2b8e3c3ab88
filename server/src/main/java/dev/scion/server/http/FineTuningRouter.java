package dev.scion.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.server.ServingModel;
import dev.scion.server.api.FineTuningJobRequest;
import dev.scion.server.config.ServerConfig;
import dev.scion.server.errors.InvalidRequestException;
import dev.scion.server.errors.ServiceException;
import dev.scion.server.metrics.ServerMetrics;
import dev.scion.server.storage.DiskSpace;
import dev.scion.server.storage.FilesQuota;
import dev.scion.server.storage.UploadAllowance;
import dev.scion.server.training.FileStore;
import dev.scion.server.training.FineTuningJson;
import dev.scion.server.training.JobRecord;
import dev.scion.server.training.JobStatus;
import dev.scion.server.training.JsonlCheck;
import dev.scion.server.training.StoredFile;
import dev.scion.server.training.TrainingJobs;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenAI's files and fine-tuning endpoints over the server's {@link TrainingJobs}. Every one of them, reads
 * included, needs the admin key (training data and job details are the operator's); without {@code --admin-key}
 * they are off. Anything that touches the disk runs on a worker thread.
 */
final class FineTuningRouter {
    private static final Logger LOG = LoggerFactory.getLogger(FineTuningRouter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String MULTIPART_ONLY =
            "Send the file as multipart/form-data with the parts 'file' and 'purpose'.";

    private final Vertx vertx;
    private final ServingModel serving;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private UploadReceiver<FileStore.Upload> receiver;
    private DiskSpace disk;
    private FilesQuota quota;

    FineTuningRouter(Vertx vertx, ServingModel serving, ServerConfig config, ServerMetrics metrics) {
        this.vertx = vertx;
        this.serving = serving;
        this.config = config;
        this.metrics = metrics;
    }

    void mount(Router router, Handler<RoutingContext> jsonBody, BoundedBody bodies) {
        // the key is checked before any body is read
        router.route("/v1/files").handler(this::requireAdmin);
        router.route("/v1/files/*").handler(this::requireAdmin);
        router.route("/v1/fine_tuning/*").handler(this::requireAdmin);
        if (serving.jobs() != null) {
            // multipart bodies stream into a staging folder inside the file store (anything else is refused before
            // it is read); beyond --max-file-bytes 413, beyond the disk's or the quota's room 507
            router.post("/v1/files").handler(bodies.upload(config.http().uploadTimeout(), MULTIPART_ONLY));
            router.post("/v1/files").handler(uploads(bodies).handler());
        }
        router.post("/v1/files").handler(this::upload);
        router.get("/v1/files").handler(this::listFiles);
        router.get("/v1/files/:file_id").handler(this::file);
        router.delete("/v1/files/:file_id").handler(this::deleteFile);
        router.get("/v1/files/:file_id/content").handler(this::fileContent);
        router.post("/v1/fine_tuning/jobs").handler(jsonBody).handler(this::create);
        router.get("/v1/fine_tuning/jobs").handler(this::listJobs);
        router.get("/v1/fine_tuning/jobs/:job_id").handler(this::job);
        router.get("/v1/fine_tuning/jobs/:job_id/events").handler(this::events);
        router.get("/v1/fine_tuning/jobs/:job_id/checkpoints").handler(this::checkpoints);
        router.post("/v1/fine_tuning/jobs/:job_id/cancel").handler(this::cancel);
    }

    private UploadReceiver<FileStore.Upload> uploads(BoundedBody bodies) {
        FileStore files = serving.jobs().files();
        try {
            disk = DiskSpace.of(files.dir(), config.storage().minFreeDisk());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell the free space of " + files.dir(), e);
        }
        quota = new FilesQuota(config.storage().filesQuota(), files::storedBytes);
        long max = config.training().maxFileBytes();
        receiver = new UploadReceiver<>(vertx, bodies, max, () -> ApiException.payloadTooLarge(
                "The file upload exceeds the server's limit of " + max + " bytes (--max-file-bytes)"),
                files::openUpload, FileStore.Upload::folder, () -> new UploadAllowance(disk, quota));
        return receiver;
    }

    private void requireAdmin(RoutingContext rc) {
        ApiException refusal = AdminAccess.refusal(config, BearerKey.of(rc));
        if (refusal != null) {
            new RequestLog(metrics, "admin").fail(rc, refusal);
            return;
        }
        rc.next();
    }

    /** The jobs, or 404 on a server without an adapter store (jobs publish there). */
    private TrainingJobs jobs() {
        if (serving.jobs() == null) {
            throw disabled();
        }
        return serving.jobs();
    }

    private static ApiException disabled() {
        return ApiException.notFound("This server has no adapter store, which fine-tuning publishes to; start it "
                + "with --adapters DIR", null, "adapters_disabled");
    }

    /** Runs {@code work} on a worker thread and answers its JSON, or its error. */
    private void respond(RoutingContext rc, String route, Callable<ObjectNode> work) {
        RequestLog log = new RequestLog(metrics, route);
        vertx.executeBlocking(work, false)
                .onSuccess(body -> log.json(rc, 200, body))
                .onFailure(e -> log.fail(rc, apiError(e)));
    }

    private static ApiException apiError(Throwable e) {
        return HttpFailures.answer(e, LOG, "a fine-tuning request");
    }

    private void upload(RoutingContext rc) {
        if (serving.jobs() == null) {
            new RequestLog(metrics, "/v1/files").fail(rc, disabled());
            return;
        }
        UploadReceiver.Received<FileStore.Upload> received = receiver.received(rc);
        String purpose = rc.request().getFormAttribute("purpose");
        String inline = rc.request().getFormAttribute("file");
        respond(rc, "/v1/files", () -> {
            // closed here, before the answer, accepted or refused: whoever sees it finds no staging left
            try (FileStore.Upload staging = received.staging()) {
                if (purpose == null || purpose.isBlank()) {
                    throw new InvalidRequestException("The form field 'purpose' is required; Scion takes "
                            + "'fine-tune'.", "purpose");
                }
                if (!purpose.equals(StoredFile.FINE_TUNE)) {
                    throw new InvalidRequestException("Scion accepts files for fine-tuning only: purpose must be "
                            + "'fine-tune', got '" + purpose + "'", "purpose");
                }
                return keep(jobs(), staging, received.parts(), inline);
            }
        });
    }

    /** Checks the one file of an upload and keeps it under a new id. */
    private ObjectNode keep(TrainingJobs jobs, FileStore.Upload staging, List<UploadReceiver.Part> parts,
            String inline) throws IOException {
        for (UploadReceiver.Part f : parts) {
            if (!f.name().equals("file")) {
                throw new InvalidRequestException("Unexpected file part '" + f.name() + "'; send one part named "
                        + "'file'", f.name());
            }
        }
        if (parts.size() + (inline == null ? 0 : 1) != 1) {
            throw new InvalidRequestException(parts.isEmpty() && inline == null
                    ? "The file part 'file' is required." : "Send exactly one part named 'file'", "file");
        }
        if (inline == null) {
            return keep(jobs, parts.get(0).file(), parts.get(0).filename());
        }
        // no filename: the client sent the bytes as a form field, which Vert.x decodes as UTF-8 (bytes that are not
        // UTF-8 have become U+FFFD by now); written here, so it is held to the disk's room and the quota
        byte[] bytes = inline.getBytes(StandardCharsets.UTF_8);
        try (UploadAllowance allowance = new UploadAllowance(disk, quota)) {
            allowance.take(bytes.length);
            return keep(jobs, Files.write(staging.folder().resolve("inline"), bytes), "file");
        }
    }

    /** Checks an uploaded body and keeps it under a new id. */
    private static ObjectNode keep(TrainingJobs jobs, Path body, String filename) throws IOException {
        try {
            JsonlCheck.examples(body);
        } catch (JsonlCheck.InvalidFileException e) {
            throw new InvalidRequestException("The file is not a fine-tuning JSONL file: " + e.getMessage(), "file");
        }
        return FineTuningJson.file(jobs.files().adopt(body, filename, StoredFile.FINE_TUNE));
    }

    private void listFiles(RoutingContext rc) {
        respond(rc, "/v1/files", () -> {
            List<StoredFile> all = new java.util.ArrayList<>(jobs().files().list());
            String purpose = rc.queryParams().get("purpose");
            if (purpose != null) {
                all.removeIf(f -> !f.purpose().equals(purpose));
            }
            String order = rc.queryParams().get("order");
            if (order == null || order.equals("desc")) {
                java.util.Collections.reverse(all);
            } else if (!order.equals("asc")) {
                throw new InvalidRequestException("order must be 'asc' or 'desc', got '" + order + "'", "order");
            }
            Page<StoredFile> page = Page.of(all, StoredFile::id, rc.queryParams().get("after"),
                    limit(rc, 10_000, 10_000));
            ObjectNode root = page.toJson(FineTuningJson::file);
            root.put("first_id", page.items().isEmpty() ? null : page.items().get(0).id());
            root.put("last_id", page.items().isEmpty() ? null : page.items().get(page.items().size() - 1).id());
            return root;
        });
    }

    private StoredFile storedFile(RoutingContext rc) {
        String id = rc.pathParam("file_id");
        StoredFile f = jobs().files().get(id);
        if (f == null) {
            throw TrainingJobs.fileNotFound(id);
        }
        return f;
    }

    private void file(RoutingContext rc) {
        respond(rc, "/v1/files/:file_id", () -> FineTuningJson.file(storedFile(rc)));
    }

    private void deleteFile(RoutingContext rc) {
        respond(rc, "/v1/files/:file_id", () -> FineTuningJson.deleted(jobs().deleteFile(rc.pathParam("file_id"))));
    }

    private void fileContent(RoutingContext rc) {
        RequestLog log = new RequestLog(metrics, "/v1/files/:file_id/content");
        StoredFile f;
        try {
            f = storedFile(rc); // in memory: no blocking
        } catch (ApiException | ServiceException e) {
            log.fail(rc, apiError(e));
            return;
        }
        rc.response().putHeader("Content-Type", "application/octet-stream")
                .sendFile(jobs().files().content(f.id()).toString())
                .onComplete(done -> log.done(rc, done.succeeded() ? 200 : 500));
    }

    private void create(RoutingContext rc) {
        RequestLog log = new RequestLog(metrics, "/v1/fine_tuning/jobs");
        FineTuningJobRequest request;
        try {
            request = FineTuningJobRequest.parse(ApiRouter.jsonBody(rc));
            log.model(request.model());
        } catch (ServiceException e) {
            log.fail(rc, HttpFailures.answer(e));
            return;
        }
        // the job's publishes are audited under the admin's actor (jobs exist only with an adapter store)
        String actor = serving.adapters() == null ? "anonymous" : serving.adapters().actor(config.adminKey());
        vertx.executeBlocking(() -> FineTuningJson.job(jobs().create(request, actor)), false)
                .onSuccess(body -> log.json(rc, 200, body))
                .onFailure(e -> log.fail(rc, apiError(e)));
    }

    private void listJobs(RoutingContext rc) {
        respond(rc, "/v1/fine_tuning/jobs", () -> Page.of(jobs().list(), JobRecord::id,
                rc.queryParams().get("after"), limit(rc, 20, 1000)).toJson(FineTuningJson::job));
    }

    private JobRecord jobOf(RoutingContext rc) {
        String id = rc.pathParam("job_id");
        JobRecord r = jobs().get(id);
        if (r == null) {
            throw TrainingJobs.notFound(id);
        }
        return r;
    }

    private void job(RoutingContext rc) {
        respond(rc, "/v1/fine_tuning/jobs/:job_id", () -> FineTuningJson.job(jobOf(rc)));
    }

    private void events(RoutingContext rc) {
        respond(rc, "/v1/fine_tuning/jobs/:job_id/events", () -> Page.of(jobs().events(jobOf(rc).id()),
                e -> e.id(), rc.queryParams().get("after"), limit(rc, 20, 1000)).toJson(FineTuningJson::event));
    }

    private void checkpoints(RoutingContext rc) {
        respond(rc, "/v1/fine_tuning/jobs/:job_id/checkpoints", () -> {
            JobRecord r = jobOf(rc);
            List<JobRecord> published = r.status() == JobStatus.SUCCEEDED ? List.of(r) : List.of();
            Page<JobRecord> page = Page.of(published, FineTuningJson::checkpointId, rc.queryParams().get("after"),
                    limit(rc, 10, 1000));
            ObjectNode root = page.toJson(FineTuningJson::checkpoint);
            root.put("first_id", page.items().isEmpty() ? null : FineTuningJson.checkpointId(page.items().get(0)));
            root.put("last_id", page.items().isEmpty() ? null
                    : FineTuningJson.checkpointId(page.items().get(page.items().size() - 1)));
            return root;
        });
    }

    private void cancel(RoutingContext rc) {
        RequestLog log = new RequestLog(metrics, "/v1/fine_tuning/jobs/:job_id/cancel");
        String id = rc.pathParam("job_id");
        // a running round stops at its next micro-batch: the answer waits for it, without holding a thread
        vertx.executeBlocking(() -> jobs().cancel(id), false)
                .compose(stopped -> Future.fromCompletionStage(stopped, vertx.getOrCreateContext()))
                .onSuccess(r -> log.json(rc, 200, FineTuningJson.job(r)))
                .onFailure(e -> log.fail(rc, apiError(e)));
    }

    /** The {@code limit} query parameter: {@code absent} when not given, else 1..{@code max} (400 otherwise). */
    private static int limit(RoutingContext rc, int absent, int max) {
        String text = rc.queryParams().get("limit");
        if (text == null) {
            return absent;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new InvalidRequestException("limit must be an integer between 1 and " + max + ", got '" + text + "'",
                "limit");
    }

    /** One page of a list in OpenAI's cursor style: the items after the one named {@code after}. */
    private record Page<T>(List<T> items, boolean hasMore) {
        static <T> Page<T> of(List<T> all, Function<T, String> id, String after, int limit) {
            int start = 0;
            if (after != null) {
                int at = 0;
                while (at < all.size() && !id.apply(all.get(at)).equals(after)) {
                    at++;
                }
                if (at == all.size()) {
                    throw new InvalidRequestException("after: no item with id '" + after + "' in this list", "after");
                }
                start = at + 1;
            }
            int end = (int) Math.min(all.size(), (long) start + limit);
            return new Page<>(List.copyOf(all.subList(start, end)), end < all.size());
        }

        ObjectNode toJson(Function<T, ObjectNode> item) {
            ObjectNode root = JSON.createObjectNode();
            root.put("object", "list");
            ArrayNode data = root.putArray("data");
            items.forEach(i -> data.add(item.apply(i)));
            root.put("has_more", hasMore);
            return root;
        }
    }
}
