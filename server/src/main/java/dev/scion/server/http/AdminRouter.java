package dev.scion.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.store.AdapterInfo;
import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.Routing;
import dev.scion.engine.store.StoreUpload;
import dev.scion.server.ServingModel;
import dev.scion.server.adapters.AdapterService;
import dev.scion.server.adapters.archive.AdapterArchive;
import dev.scion.server.api.LoadLoraRequest;
import dev.scion.server.api.RoutingRequest;
import dev.scion.server.api.UnloadLoraRequest;
import dev.scion.server.config.ServerConfig;
import dev.scion.server.errors.InvalidRequestException;
import dev.scion.server.errors.NotFoundException;
import dev.scion.server.errors.ServiceException;
import dev.scion.server.metrics.ServerMetrics;
import dev.scion.server.storage.DiskSpace;
import dev.scion.server.storage.StorageErrors;
import dev.scion.server.storage.UploadAllowance;
import dev.scion.trainer.LearningMatrix;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter pool's HTTP surface. Reads need an inference key (when keys are configured);
 * every mutation needs the admin key, and without {@code --admin-key} mutations are off. Store
 * work runs on worker threads; each action is recorded in the audit log by {@link AdapterService}.
 */
final class AdminRouter {
    private static final Logger LOG = LoggerFactory.getLogger(AdminRouter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PEFT_FILES = List.of("adapter_config.json", "adapter_model.safetensors");

    private final Vertx vertx;
    private final ServingModel serving;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private UploadReceiver<StoreUpload> receiver;
    private DiskSpace disk;

    AdminRouter(Vertx vertx, ServingModel serving, ServerConfig config, ServerMetrics metrics) {
        this.vertx = vertx;
        this.serving = serving;
        this.config = config;
        this.metrics = metrics;
    }

    void mount(Router router, Handler<RoutingContext> jsonBody, BoundedBody bodies) {
        // Adapters are far larger than chat requests: uploads have a limit of their own (413 beyond it), stream
        // their files into a temp folder of the store (507 when the disk has no room), and have a deadline of their own
        Handler<RoutingContext> multipartOnly = bodies.upload(config.http().uploadTimeout(), "Send the adapter as "
                + "multipart/form-data: the field 'name' and the parts " + PEFT_FILES + " or one 'archive'.");
        router.get("/v1/adapters").handler(this::list);
        router.get("/v1/adapters/:name").handler(this::describe);
        router.get("/v1/adapters/:name/events").handler(this::events);
        router.get("/v1/adapters/:name/learning").handler(this::learning);
        // The admin check runs on routes of its own, before any body is read: Vert.x wants body handlers first.
        router.post("/v1/adapters").handler(this::requireAdmin);
        router.delete("/v1/adapters/:name/versions/:version").handler(this::requireAdmin);
        router.put("/v1/adapters/:name/routing").handler(this::requireAdmin);
        router.post("/v1/adapters/:name/promote").handler(this::requireAdmin);
        router.post("/v1/adapters/:name/rollback").handler(this::requireAdmin);
        router.post("/v1/load_lora_adapter").handler(this::requireAdmin);
        router.post("/v1/unload_lora_adapter").handler(this::requireAdmin);
        router.post("/v1/adapters").handler(multipartOnly); // a route of its own too: before the body handler
        if (serving.adapters() != null) {
            router.post("/v1/adapters").handler(uploads(bodies).handler());
        }
        router.post("/v1/adapters").handler(this::upload);
        router.delete("/v1/adapters/:name/versions/:version").handler(this::delete);
        router.put("/v1/adapters/:name/routing").handler(jsonBody).handler(this::routing);
        router.post("/v1/adapters/:name/promote").handler(this::promote);
        router.post("/v1/adapters/:name/rollback").handler(this::rollback);
        router.post("/v1/load_lora_adapter").handler(jsonBody).handler(this::loadLora);
        router.post("/v1/unload_lora_adapter").handler(jsonBody).handler(this::unloadLora);
    }

    private UploadReceiver<StoreUpload> uploads(BoundedBody bodies) {
        try {
            disk = DiskSpace.of(serving.adapters().store().root(), config.storage().minFreeDisk());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot tell the free space of " + serving.adapters().store().root(), e);
        }
        long max = config.maxAdapterBytes();
        receiver = new UploadReceiver<>(vertx, bodies, max, () -> ApiException.payloadTooLarge(
                "The adapter upload exceeds the server's limit of " + max + " bytes (--max-adapter-bytes)"),
                serving.adapters().store()::openUpload, StoreUpload::parts, () -> new UploadAllowance(disk, null));
        return receiver;
    }

    private AdapterService adapters() {
        if (serving.adapters() == null) {
            throw new NotFoundException("This server has no adapter store; start it with --adapters DIR", null,
                    "adapters_disabled");
        }
        return serving.adapters();
    }

    private void requireAdmin(RoutingContext rc) {
        BearerKey given = BearerKey.of(rc);
        ApiException refusal = AdminAccess.refusal(config, given);
        if (refusal != null) {
            String name = rc.pathParam("name");
            // refusals are audited too, with the key's identity, but only counted here: anyone can send them, so
            // each must cost no disk write. The tally is written each interval, for existing adapters only, so
            // made-up names cannot grow the log. The body is never read.
            if (config.adminKey() != null && AdapterStore.isValidName(name) && serving.adapters() != null) {
                serving.adapters().refusedCall(name, actionOf(rc.currentRoute().getPath()),
                        serving.adapters().actor(given.present() ? given.text() : null), reasonOf(refusal));
            }
            fail(rc, "admin", refusal);
            return;
        }
        if (serving.adapters() != null) {
            rc.put("actor", serving.adapters().actor(config.adminKey()));
        }
        rc.next();
    }

    /** Why a call was refused, for the tally: the error's code says it without the error's long message. */
    private static String reasonOf(ApiException refusal) {
        return switch (String.valueOf(refusal.code())) {
            case "admin_key_required" -> "an inference key, not the admin key (admin_key_required)";
            default -> "no admin key, or a wrong one (" + refusal.code() + ")";
        };
    }

    /** The audit log's name for the admin action a route performs. */
    private static String actionOf(String route) {
        if (route.endsWith("/promote")) {
            return "promote";
        }
        if (route.endsWith("/rollback")) {
            return "rollback";
        }
        if (route.endsWith("/routing")) {
            return "routing";
        }
        return route.contains("/versions/") ? "delete" : "upload";
    }

    private void fail(RoutingContext rc, String route, ApiException e) {
        new RequestLog(metrics, route).fail(rc, e);
    }

    /** Runs store work on a worker thread and answers with its JSON, or its error. */
    private void respond(RoutingContext rc, String route, int status, Callable<ObjectNode> work) {
        RequestLog log = new RequestLog(metrics, route);
        vertx.executeBlocking(work, false)
                .onSuccess(body -> log.json(rc, status, body))
                .onFailure(e -> log.fail(rc, apiError(e)));
    }

    private static ApiException apiError(Throwable e) {
        return HttpFailures.answer(clientFault(e), LOG, "an adapter admin request");
    }

    /** A body or archive the client sent that could not be read, as the invalid request it is; else {@code e}. */
    private static Throwable clientFault(Throwable e) {
        if (StorageErrors.refusal(e) != null) {
            return e; // want of space, whatever failed for it
        }
        if (e instanceof com.fasterxml.jackson.core.JacksonException) {
            return new InvalidRequestException("We could not parse the JSON body of your request.", null);
        }
        if (e instanceof IllegalArgumentException) {
            return new InvalidRequestException(e.getMessage(), null);
        }
        if (e instanceof java.util.zip.ZipException) {
            return new InvalidRequestException("The archive is damaged: " + e.getMessage(), "archive");
        }
        return e;
    }

    private static String actor(RoutingContext rc) {
        String actor = rc.get("actor");
        return actor == null ? "anonymous" : actor;
    }

    private void list(RoutingContext rc) {
        respond(rc, "/v1/adapters", 200, () -> {
            ObjectNode root = JSON.createObjectNode();
            root.put("object", "list");
            ArrayNode data = root.putArray("data");
            for (AdapterInfo info : adapters().store().list()) {
                data.add(AdapterJson.info(info, adapters().unhealthy(info.name())));
            }
            return root;
        });
    }

    private void describe(RoutingContext rc) {
        String name = rc.pathParam("name");
        respond(rc, "/v1/adapters/:name", 200, () -> {
            List<AdapterManifest> versions = adapters().store().versions(name);
            if (versions.isEmpty()) {
                throw new NotFoundException("No adapter named '" + name + "'", "name", "adapter_not_found");
            }
            return AdapterJson.info(new AdapterInfo(name, versions, adapters().store().routing(name)),
                    adapters().unhealthy(name));
        });
    }

    private void events(RoutingContext rc) {
        String name = rc.pathParam("name");
        respond(rc, "/v1/adapters/:name/events", 200, () -> {
            EventsQuery query = EventsQuery.of(rc);
            return AdapterJson.events(adapters().events(name, query.after(), query.limit(), query.newestFirst()));
        });
    }

    /**
     * The learning report of a version (the latest, or {@code ?version=N}): the matrix of its lineage's accuracy on
     * each round's data, as the gate stored it when each round published.
     */
    private void learning(RoutingContext rc) {
        String name = rc.pathParam("name");
        String versionParam = rc.queryParams().get("version");
        respond(rc, "/v1/adapters/:name/learning", 200, () -> {
            List<AdapterManifest> versions = adapters().store().versions(name);
            if (versions.isEmpty()) {
                throw new NotFoundException("No adapter named '" + name + "'", "name", "adapter_not_found");
            }
            int version = versions.get(versions.size() - 1).version();
            if (versionParam != null) {
                if (!versionParam.matches("[1-9][0-9]{0,8}")) {
                    throw new InvalidRequestException("version must be a version number, got '" + versionParam
                            + "'", "version");
                }
                version = Integer.parseInt(versionParam);
                int wanted = version;
                if (versions.stream().noneMatch(m -> m.version() == wanted)) {
                    throw new NotFoundException("Adapter '" + name + "' has no version " + version, "version",
                            "adapter_not_found");
                }
            }
            return AdapterJson.learning(LearningMatrix.of(adapters().store(), name, version), version);
        });
    }

    private void upload(RoutingContext rc) {
        String name = rc.request().getFormAttribute("name");
        UploadReceiver.Received<StoreUpload> received = receiver == null ? null : receiver.received(rc);
        respond(rc, "/v1/adapters", 201, () -> {
            AdapterService adapters = adapters();
            // closed here, before the answer, published or refused: whoever sees it finds no staging left
            try (StoreUpload upload = received.staging()) {
                if (name == null || name.isBlank()) {
                    throw new InvalidRequestException("The form field 'name' is required.", "name");
                }
                List<UploadReceiver.Part> parts = received.parts();
                UploadReceiver.Part archive = parts.stream().filter(f -> f.name().equals("archive")).findFirst()
                        .orElse(null);
                if (archive != null) {
                    if (parts.size() != 1) {
                        throw new InvalidRequestException("Send either one 'archive' part or the two PEFT files, "
                                + "not both.", "archive");
                    }
                    AdapterArchive.extract(archive.file(), archive.filename(), upload.adapter(),
                            config.maxAdapterBytes());
                } else {
                    assemble(parts, upload.adapter());
                }
                disk.require(0); // what the upload left on the disk must still leave --min-free-disk free
                return AdapterJson.manifest(adapters.publish(name, upload, actor(rc)));
            }
        });
    }

    /** Moves the PEFT file parts into the folder that becomes the version (a rename: they lie in the store). */
    private static void assemble(List<UploadReceiver.Part> parts, Path adapter) throws IOException {
        for (UploadReceiver.Part f : parts) {
            if (!PEFT_FILES.contains(f.name())) {
                throw new InvalidRequestException("Unexpected file part '" + f.name() + "'; send exactly "
                        + PEFT_FILES + " or one 'archive' (safetensors only: pickled .bin files run code when "
                        + "loaded)", f.name());
            }
            Path target = adapter.resolve(f.name());
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidRequestException("The file part '" + f.name() + "' was sent twice; send it once.",
                        f.name());
            }
            Files.move(f.file(), target, StandardCopyOption.ATOMIC_MOVE);
        }
        for (String required : PEFT_FILES) {
            if (!Files.isRegularFile(adapter.resolve(required))) {
                throw new InvalidRequestException("The upload is missing the file part '" + required + "'.",
                        required);
            }
        }
    }

    private void delete(RoutingContext rc) {
        String name = rc.pathParam("name");
        int version = versionParam(rc);
        respond(rc, "/v1/adapters/:name/versions/:version", 200, () -> {
            adapters().delete(name, version, actor(rc));
            ObjectNode body = JSON.createObjectNode();
            body.put("id", name + "@" + version);
            body.put("deleted", true);
            return body;
        });
    }

    private static int versionParam(RoutingContext rc) {
        try {
            return Integer.parseInt(rc.pathParam("version"));
        } catch (NumberFormatException e) {
            return -1; // no such version: the store answers 404
        }
    }

    private void routing(RoutingContext rc) {
        String name = rc.pathParam("name");
        respond(rc, "/v1/adapters/:name/routing", 200, () -> {
            Routing routing;
            try {
                routing = RoutingRequest.parse(ApiRouter.jsonBody(rc)).routing();
            } catch (ServiceException e) {
                adapters().refused(name, "routing", actor(rc), e.getMessage());
                throw e;
            }
            return AdapterJson.routing(adapters().setRouting(name, routing, actor(rc)));
        });
    }

    private void promote(RoutingContext rc) {
        String name = rc.pathParam("name");
        respond(rc, "/v1/adapters/:name/promote", 200, () -> AdapterJson.routing(adapters().promote(name, actor(rc))));
    }

    private void rollback(RoutingContext rc) {
        String name = rc.pathParam("name");
        respond(rc, "/v1/adapters/:name/rollback", 200, () -> AdapterJson.routing(adapters().rollback(name, actor(rc))));
    }

    /** vLLM's load: a folder on the server becomes the next version (never replaced in place). */
    private void loadLora(RoutingContext rc) {
        respond(rc, "/v1/load_lora_adapter", 200, () -> {
            LoadLoraRequest req = LoadLoraRequest.parse(ApiRouter.jsonBody(rc));
            AdapterService adapters = adapters();
            if (disk != null) {
                disk.require(publishedBytes(req.loraPath())); // the store copies the folder's files
            }
            return AdapterJson.manifest(adapters.load(req.loraName(), req.loraPath(), req.loadInplace(), actor(rc)));
        });
    }

    /** vLLM's unload: the adapter stops being servable; its files are removed once no request uses them. */
    private void unloadLora(RoutingContext rc) {
        respond(rc, "/v1/unload_lora_adapter", 200, () -> {
            String name = UnloadLoraRequest.parse(ApiRouter.jsonBody(rc)).loraName();
            adapters().unload(name, actor(rc));
            ObjectNode out = JSON.createObjectNode();
            out.put("id", name);
            out.put("unloaded", true);
            return out;
        });
    }

    /** The bytes of the files a publish copies from {@code folder} (those that are there). */
    private static long publishedBytes(Path folder) {
        long bytes = 0;
        for (String file : List.of("adapter_config.json", "adapter_model.safetensors", AdapterStore.TRAINER_STATE_FILE)) {
            try {
                bytes += Files.size(folder.resolve(file));
            } catch (IOException e) {
                // missing or unreadable: the publish says so
            }
        }
        return bytes;
    }
}
