package dev.scion.server.adapters;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.runtime.Transformer;
import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.AdapterNotFoundException;
import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.InvalidRoutingException;
import dev.scion.engine.store.PublishSource;
import dev.scion.engine.store.Routing;
import dev.scion.engine.store.StoreUpload;
import dev.scion.server.adapters.audit.AuditLog;
import dev.scion.server.adapters.cache.AdapterCache;
import dev.scion.server.adapters.cache.AdapterKey;
import dev.scion.server.adapters.cache.AdapterLoadException;
import dev.scion.server.adapters.cache.CacheListener;
import dev.scion.server.adapters.cache.LoadExecutor;
import dev.scion.server.adapters.cache.LoadRefusedException;
import dev.scion.server.adapters.routing.AdapterHealth;
import dev.scion.server.adapters.routing.AutoRollbackMonitor;
import dev.scion.server.adapters.routing.CanaryRouter;
import dev.scion.server.config.AuditConfig;
import dev.scion.server.errors.InvalidRequestException;
import dev.scion.server.errors.NotFoundException;
import dev.scion.server.errors.ServiceException;
import dev.scion.server.storage.DiskSpace;
import dev.scion.server.storage.InsufficientStorageException;
import dev.scion.trainer.Publisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The serving side of the adapter pool: turns a request's {@code model} into a leased adapter
 * version through the adapter's routing, and carries out admin actions through the store's one
 * publish path, recording each in the audit log.
 */
public final class AdapterService implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdapterService.class);
    private final AdapterStore store;
    private final AdapterCache cache;
    private final LoadExecutor loads;
    private final ModelConfig base;
    private final int maxRank;
    private final AuditLog audit;
    private final AutoRollbackMonitor monitor = new AutoRollbackMonitor();
    private final AdapterHealth health = new AdapterHealth(AdapterHealth.DEFAULT_THRESHOLD);
    private final java.util.function.BiConsumer<String, String> applied; // (action, adapter) of each change made
    private final java.util.Set<String> pinnedNames;
    private final Map<String, java.util.Set<AdapterKey>> pinned = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param loadThreads cold adapters loaded at once, on threads of their own
     * @param loadQueue cold adapter loads that may wait for one of those threads; more are refused
     */
    public AdapterService(AdapterStore store, Path storeRoot, Transformer model, long cacheBytes, int loadThreads,
            int loadQueue, int maxRank, CacheListener listener, java.util.function.BiConsumer<String, String> applied,
            List<String> pinnedNames, AuditConfig auditConfig) throws IOException {
        this.store = store;
        this.applied = applied;
        this.pinnedNames = java.util.Set.copyOf(pinnedNames);
        this.base = model.config();
        this.maxRank = maxRank;
        this.audit = AuditLog.open(storeRoot, auditConfig, this::exists);
        this.cache = new AdapterCache(cacheBytes, loadThreads, key -> load(key, model), listener);
        this.loads = new LoadExecutor(loadThreads, loadQueue);
        this.pinnedNames.forEach(this::refreshPins);
    }

    /**
     * Keeps the versions a pinned adapter routes to (stable and canary) pinned and loaded, and lets go
     * of the ones it no longer routes to. Runs after every change to a pinned adapter.
     */
    private synchronized void refreshPins(String name) {
        if (!pinnedNames.contains(name)) {
            return;
        }
        java.util.Set<AdapterKey> want = new java.util.HashSet<>();
        try {
            List<AdapterManifest> versions = store.versions(name);
            if (!versions.isEmpty()) {
                Routing r = store.routing(name);
                want.add(new AdapterKey(name, r.effectiveStable(versions.get(versions.size() - 1).version())));
                if (r.canary() != null) {
                    want.add(new AdapterKey(name, r.canary()));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot pin adapter {}: {}", name, e.getMessage());
            return;
        }
        java.util.Set<AdapterKey> had = pinned.getOrDefault(name, java.util.Set.of());
        for (AdapterKey key : had) {
            if (!want.contains(key)) {
                cache.unpin(key);
            }
        }
        for (AdapterKey key : want) {
            if (!had.contains(key)) {
                cache.pin(key);
                cache.acquire(key).close(); // load it now: a pinned adapter must be hot before its first request
            }
        }
        pinned.put(name, want);
    }

    private DeviceAdapter load(AdapterKey key, Transformer model) {
        try {
            // the manifest's modules were resolved from the config's patterns at publish: they are not matched again
            AdapterManifest manifest = store.resolve(key.name(), key.version());
            LoraAdapter adapter = PeftAdapter.load(store.folder(key.name(), key.version()), key.modelId(), base,
                    maxRank, manifest.modules());
            return DeviceAdapter.upload(adapter, model);
        } catch (IOException e) {
            fault(key, "the version could not be loaded");
            throw new UncheckedIOException(e);
        } catch (ModelFormatException | IllegalArgumentException e) {
            // its files are unusable: the version's own fault (the details stay in the server log)
            fault(key, "the version could not be loaded");
            throw e;
        }
    }

    public AdapterStore store() {
        return store;
    }

    public AdapterCache cache() {
        return cache;
    }

    /**
     * A lease on the version's adapter without blocking: at once when it is hot, else once it is loaded on the
     * adapter load threads. Fails with {@link LoadRefusedException} when those threads and their queue are full,
     * or with {@link AdapterLoadException} when the version cannot be loaded.
     */
    public java.util.concurrent.CompletableFuture<AdapterCache.Lease> lease(AdapterKey key) {
        return cache.acquireAsync(key, loads);
    }

    /**
     * Which version serves {@code model} ({@code name} through its routing, or {@code name@version}
     * pinned); {@link NotFoundException} when no such adapter or version exists.
     */
    public AdapterKey route(String model, String stickyKey) {
        int at = model.lastIndexOf('@');
        try {
            if (at > 0) {
                String name = model.substring(0, at);
                int version;
                try {
                    version = Integer.parseInt(model.substring(at + 1));
                } catch (NumberFormatException e) {
                    throw new NotFoundException("The model '" + model + "' does not exist: after '@' comes a version "
                            + "number", "model", "model_not_found");
                }
                store.resolve(name, version);
                return new AdapterKey(name, version);
            }
            List<AdapterManifest> versions = store.versions(model);
            if (versions.isEmpty()) {
                throw NotFoundException.model(model);
            }
            int latest = versions.get(versions.size() - 1).version();
            return new AdapterKey(model, CanaryRouter.pick(store.routing(model), latest, stickyKey,
                    ThreadLocalRandom.current().nextDouble()));
        } catch (AdapterNotFoundException | IllegalArgumentException e) {
            throw NotFoundException.model(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Publishes a PEFT folder as the next version of {@code name}; a bad adapter is refused and leaves nothing. */
    public AdapterManifest publish(String name, Path folder, PublishSource source, String actor) {
        return recorded(name, source, actor, folder,
                () -> store.publish(name, folder, base, source, Map.of(), maxRank));
    }

    /** Publishes an upload staged in the store, its files renamed into place; refusals as for a folder. */
    public AdapterManifest publish(String name, StoreUpload upload, String actor) {
        return recorded(name, PublishSource.UPLOAD, actor, null,
                () -> store.publish(name, upload, base, PublishSource.UPLOAD, Map.of(), maxRank));
    }

    /** One of the store's publish steps. */
    private interface StorePublish {
        AdapterManifest run() throws IOException;
    }

    /** @param folder the folder published from, hidden from messages; null for an upload (already hidden) */
    private AdapterManifest recorded(String name, PublishSource source, String actor, Path folder,
            StorePublish publish) {
        String action = source.name().toLowerCase(java.util.Locale.ROOT);
        try {
            AdapterManifest manifest = publish.run();
            record(name, action, actor, "ok", "version " + manifest.version());
            return manifest;
        } catch (ModelFormatException | IllegalArgumentException e) {
            // the message names the bad file by its path; a folder's is the server's
            String reason = ServerPaths.hide(ServerPaths.hide(e.getMessage(), folder, "the adapter folder"),
                    store.root(), "the adapter store");
            record(name, action, actor, "refused", reason);
            throw new InvalidRequestException(reason, null);
        } catch (IOException e) {
            throw failed(name, action, actor, e); // a full disk is the caller's to tell (InsufficientStorage)
        }
    }

    /**
     * vLLM's load of a server-side folder: a new name, or with {@code inplace} the next version of an
     * existing one (never a replacement under running requests).
     */
    public AdapterManifest load(String name, Path folder, boolean inplace, String actor) {
        boolean exists;
        try {
            exists = !store.versions(name).isEmpty();
        } catch (IllegalArgumentException e) {
            record(name, "load", actor, "refused", e.getMessage());
            throw new InvalidRequestException(e.getMessage(), "lora_name");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (exists && !inplace) {
            String message = "The lora adapter '" + name + "' has already been loaded; send load_inplace: true to "
                    + "publish a new version";
            record(name, "load", actor, "refused", message);
            throw new InvalidRequestException(message, "lora_name");
        }
        return publish(name, folder, PublishSource.LOAD, actor);
    }

    /** Sets routing; a canary without a stable version pins stable to today's latest, so a publish cannot move it. */
    public Routing setRouting(String name, Routing routing, String actor) {
        return changeRouting(name, "routing", actor, () -> {
            if (routing.canary() == null || routing.stable() != null) {
                return routing;
            }
            List<AdapterManifest> versions = store.versions(name);
            return routing.withStable(versions.get(versions.size() - 1).version());
        });
    }

    /** The canary becomes stable; an invalid request when there is no canary. */
    public Routing promote(String name, String actor) {
        return changeRouting(name, "promote", actor, () -> {
            Routing r = store.routing(name);
            if (r.canary() == null) {
                throw new InvalidRequestException("adapter '" + name + "' has no canary to promote", "name");
            }
            return r.promoted();
        });
    }

    /** The canary is removed; requests go to the stable version again. */
    public Routing rollback(String name, String actor) {
        return changeRouting(name, "rollback", actor, () -> {
            Routing r = store.routing(name);
            if (r.canary() == null) {
                throw new InvalidRequestException("adapter '" + name + "' has no canary to roll back", "name");
            }
            return r.withoutCanary();
        });
    }

    /** A routing change computed from the current routing; IOExceptions surface as unchecked. */
    private interface RoutingChange {
        Routing next() throws IOException;
    }

    private Routing changeRouting(String name, String action, String actor, RoutingChange next) {
        try {
            if (store.versions(name).isEmpty()) {
                throw adapterNotFound(name);
            }
            Integer canaryBefore = store.routing(name).canary();
            Routing routing = next.next();
            store.setRouting(name, routing);
            if (routing.canary() != null && !routing.canary().equals(canaryBefore)) {
                // a new canary is judged on what it serves from now on: a version rolled back before and made
                // the canary again starts with fresh counts, and can be rolled back again
                monitor.reset(new AdapterKey(name, routing.canary()));
            }
            record(name, action, actor, "ok", routing.toString());
            return routing;
        } catch (ServiceException e) {
            record(name, action, actor, "refused", e.getMessage());
            throw e;
        } catch (AdapterNotFoundException e) {
            record(name, action, actor, "refused", e.getMessage());
            throw new NotFoundException(e.getMessage(), "name", "adapter_not_found");
        } catch (InvalidRoutingException e) {
            record(name, action, actor, "refused", e.getMessage());
            throw new InvalidRequestException(e.getMessage(), e.field());
        } catch (IllegalArgumentException | IllegalStateException e) {
            record(name, action, actor, "refused", e.getMessage());
            throw new InvalidRequestException(e.getMessage(), null);
        } catch (IOException e) {
            throw failed(name, action, actor, e);
        }
    }

    public void delete(String name, int version, String actor) {
        try {
            store.delete(name, version);
            cache.invalidate(new AdapterKey(name, version));
            health.forget(name, version);
            record(name, "delete", actor, "ok", "version " + version);
        } catch (AdapterNotFoundException e) {
            record(name, "delete", actor, "refused", e.getMessage());
            throw new NotFoundException(e.getMessage(), "version", "adapter_not_found");
        } catch (IllegalStateException e) {
            record(name, "delete", actor, "refused", e.getMessage());
            throw new InvalidRequestException(e.getMessage(), "version");
        } catch (IOException e) {
            throw failed(name, "delete", actor, e);
        }
    }

    /** vLLM's unload: every version stops being servable; requests already running keep their lease. */
    public void unload(String name, String actor) {
        try {
            List<AdapterManifest> versions = store.versions(name);
            store.remove(name);
            versions.forEach(v -> cache.invalidate(new AdapterKey(name, v.version())));
            health.forget(name, null);
            record(name, "unload", actor, "ok", versions.size() + " versions");
        } catch (AdapterNotFoundException e) {
            record(name, "unload", actor, "refused", e.getMessage());
            throw new NotFoundException(e.getMessage(), "lora_name", "adapter_not_found");
        } catch (IOException e) {
            throw failed(name, "unload", actor, e);
        }
    }

    private static NotFoundException adapterNotFound(String name) {
        return new NotFoundException("No adapter named '" + name + "'", "name", "adapter_not_found");
    }

    /** Whether a name has published versions; false for names the store would refuse. */
    public boolean exists(String name) {
        try {
            return !store.versions(name).isEmpty();
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * How a training round publishes from the server: the trainer's own publish steps (a canary keeps the stable
     * side where it is), recorded in the audit log as action {@code trainer} and counted like any other publish, so
     * pins follow at once.
     *
     * @param job the fine-tuning job's id, for the audit detail
     * @param disk the store's disk: a version that would leave less than {@code --min-free-disk} free is refused
     *     before a byte is copied, as uploads are
     */
    public Publisher trainerPublisher(String actor, String job, DiskSpace disk) {
        Publisher direct = Publisher.direct(store, base, PublishSource.TRAINER);
        return (adapter, folder, metrics, canaryPercent) -> {
            try {
                disk.require(folderBytes(folder));
            } catch (InsufficientStorageException e) {
                record(adapter, "trainer", actor, "refused", e.getMessage());
                throw e;
            }
            try {
                AdapterManifest published = direct.publish(adapter, folder, metrics, canaryPercent);
                record(adapter, "trainer", actor, "ok", "version " + published.version() + " by " + job);
                return published;
            } catch (IOException | RuntimeException e) {
                LOG.error("publishing a training round of {} failed", adapter, e);
                record(adapter, "trainer", actor, "failed", FAILED);
                throw e;
            }
        };
    }

    /** The bytes of the files in a folder tree: what publishing it copies into the store. */
    private static long folderBytes(Path folder) throws IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(folder)) {
            return files.filter(java.nio.file.Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** Records a round whose version the evaluation gate kept back. */
    public void gateRefused(String name, String actor, String reason) {
        record(name, "trainer", actor, "refused", reason);
    }

    /** Records an admin action of the admin refused before it reached the store (a bad body). */
    public void refused(String name, String action, String actor, String reason) {
        record(name, action, actor, "refused", reason);
    }

    /**
     * Counts an admin call refused for a missing or wrong key: written with the interval's tally, and only for an
     * adapter that exists then. Costs no disk access, so it may be called on the event loop.
     */
    public void refusedCall(String name, String action, String actor, String reason) {
        audit.refused(name, action, actor, reason);
    }

    /** The audit log's name for whoever presented {@code key}: a keyed hash of it, or {@code anonymous}. */
    public String actor(String key) {
        return audit.actor(key);
    }

    /** One page of an adapter's audit events; see {@link AuditLog#page}. */
    public AuditLog.Page events(String name, Long after, int limit, boolean newestFirst) {
        return audit.page(name, after, limit, newestFirst);
    }

    /** What a failed action's event says: the cause (often naming server paths) goes to the server log only. */
    private static final String FAILED = "the server could not complete it; its log has the cause";

    private UncheckedIOException failed(String name, String action, String actor, IOException e) {
        LOG.error("{} of adapter {} failed", action, name, e);
        record(name, action, actor, "failed", FAILED);
        return new UncheckedIOException(e);
    }

    private void record(String name, String action, String actor, String outcome, String detail) {
        audit.append(new AuditLog.Event(Instant.now(), name, action, actor, outcome,
                ServerPaths.hide(detail, store.root(), "the adapter store")));
        if (outcome.equals("ok")) {
            applied.accept(action, name);
            refreshPins(name);
        }
    }

    /** Counts one request served (or failed, through no fault of the adapter's) by an adapter version. */
    public void served(AdapterKey key, boolean failed) {
        served(key, failed, null);
    }

    /**
     * Counts one request served (or failed) by an adapter version. When that version is the canary of
     * a routing with {@code auto_rollback} and its error rate passes the bound, the canary is rolled
     * back at once and the event recorded. A failure the adapter itself caused ({@code adapterFault},
     * e.g. non-finite logits) also counts towards marking the version unhealthy; a request served
     * without error marks it healthy again.
     *
     * @param adapterFault why the adapter is to blame for the failure, or null
     */
    public void served(AdapterKey key, boolean failed, String adapterFault) {
        if (!failed) {
            if (health.served(key)) {
                record(key.name(), "healthy", "scion", "ok", "version " + key.version() + " served a request without error");
                LOG.info("adapter {} is healthy again", key.modelId());
            }
        } else if (adapterFault != null) {
            fault(key, adapterFault);
        }
        Routing routing;
        try {
            routing = store.routing(key.name());
        } catch (IOException | RuntimeException e) {
            return; // the adapter was removed meanwhile: nothing left to roll back
        }
        boolean canary = routing.canary() != null && routing.canary() == key.version();
        if (monitor.record(key, failed, canary ? routing.autoRollback() : null)) {
            AutoRollbackMonitor.Counts counts = monitor.counts(key);
            changeRouting(key.name(), "auto_rollback", "scion", () -> {
                return store.routing(key.name()).withoutCanary();
            });
            LOG.warn("rolled back canary {}: {} errors in {} requests", key.modelId(), counts.errors(), counts.requests());
        }
    }

    private void fault(AdapterKey key, String reason) {
        if (health.fault(key, reason)) {
            record(key.name(), "unhealthy", "scion", "ok", "version " + key.version() + ": "
                    + AdapterHealth.DEFAULT_THRESHOLD + " requests in a row failed through the adapter: " + reason);
            LOG.warn("adapter {} is unhealthy: {} requests in a row failed through it: {}", key.modelId(),
                    AdapterHealth.DEFAULT_THRESHOLD, reason);
        }
    }

    /** Versions of {@code name} that are unhealthy now, ascending (this process's view). */
    public List<AdapterHealth.Unhealthy> unhealthy(String name) {
        return health.unhealthy(name);
    }

    @Override
    public void close() {
        audit.close(); // writes the refusals tallied since the last interval
        loads.close();
        cache.close();
    }
}
