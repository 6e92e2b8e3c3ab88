package dev.scion.server;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.embedded.DefaultModel;
import dev.scion.engine.generate.BatchGenerator;
import dev.scion.engine.store.AdapterStore;
import dev.scion.server.adapters.AdapterService;
import dev.scion.server.adapters.cache.CacheListener;
import dev.scion.server.constrain.ServedConstraints;
import dev.scion.server.config.ServerConfig;
import dev.scion.server.engine.EngineLoop;
import dev.scion.server.http.HttpVerticle;
import dev.scion.server.metrics.ServerMetrics;
import dev.scion.server.training.TrainingJobs;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Scion server: the loaded model, its engine loop, and the Vert.x HTTP verticle.
 * {@link #close()} shuts down gracefully: no new connections, running streams finish within the
 * grace period, then the engine stops and the model is freed.
 */
public final class ScionServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScionServer.class);

    private final Vertx vertx;
    private final EngineLoop engine;
    private final LoadedModel model;
    private final HttpVerticle verticle;
    private final ServerConfig config;
    private final ServingModel serving;

    private ScionServer(Vertx vertx, EngineLoop engine, LoadedModel model, HttpVerticle verticle, ServerConfig config,
            ServingModel serving) {
        this.vertx = vertx;
        this.engine = engine;
        this.model = model;
        this.verticle = verticle;
        this.config = config;
        this.serving = serving;
    }

    public static ScionServer start(ServerConfig config) throws IOException {
        Path dir = config.model() != null ? config.model() : DefaultModel.ensure(DefaultModel.defaultCacheRoot());
        return start(config, LoadedModel.open(dir, config.runtimeOptions()));
    }

    /** Serves a model already loaded (the benchmark's random-weight model); the server owns it from here. */
    public static ScionServer start(ServerConfig config, LoadedModel model) {
        return start(config, model, CacheListener.NONE);
    }

    /**
     * As {@link #start(ServerConfig, LoadedModel)}, with {@code cacheEvents} told of every adapter cache event after
     * the metrics: tests use it to watch loads, or to make one slow.
     */
    static ScionServer start(ServerConfig config, LoadedModel model, CacheListener cacheEvents) {
        Path dir = model.dir();
        Vertx vertx = null;
        EngineLoop engine = null;
        TrainingJobs jobs = null;
        AdapterService adapters = null;
        try {
            int context = config.contextLength(model.transformer().maxPositions());
            ServerMetrics metrics = new ServerMetrics();
            BatchGenerator generator = new BatchGenerator(model.transformer(), model.tokenizer(), config.maxBatch(),
                    context, config.prefillChunk(), config.maxLoras());
            engine = new EngineLoop(generator, config.maxBatch(), config.queueSize(), metrics::recordBatchSize);
            EngineLoop loop = engine;
            metrics.registerQueueDepth(loop::waiting);
            metrics.registerRunningSequences(loop::running);
            metrics.registerKvSlots(loop::running, config::maxBatch); // one slot per running sequence
            engine.start();
            String id = dir.getFileName().toString();
            adapters = config.adapters() == null ? null
                    : adapterService(config, model, metrics.adapterCacheListener().andThen(cacheEvents), metrics);
            if (adapters != null) {
                metrics.gauge("scion.adapter.cache.resident.bytes", "Device bytes of adapters cached or in use",
                        adapters.cache()::residentBytes);
                // the trainer works on the weights served here, and yields to the engine by the duty cycle
                jobs = TrainingJobs.start(config.training().dataDir(config.adapters()), model, id, adapters,
                        config.training(), config.maxLoraRank(), metrics, loop::busy, config.storage().minFreeDisk());
            }
            ServingModel serving = new ServingModel(id, Instant.now().getEpochSecond(), model, engine, adapters, jobs,
                    new ServedConstraints(model::requireTokenizer));
            vertx = Vertx.vertx();
            HttpVerticle verticle = new HttpVerticle(serving, config, metrics);
            vertx.deployVerticle(verticle).await();
            LOG.info("listening on http://{}:{} serving model '{}' from {} on {} ({}), {} slots, context {}",
                    config.host(), verticle.port(), id, dir, model.transformer().device(), config.dtype(),
                    config.maxBatch(), context);
            if (config.requiresApiKey() && config.metricsKey() == null) {
                LOG.warn("/metrics needs no key, unlike /v1/models: whoever reaches the port sees adapter names and "
                        + "per-adapter token counts there; --metrics-key KEY makes it need one");
            }
            return new ScionServer(vertx, engine, model, verticle, config, serving);
        } catch (IOException e) {
            throw failedStart(vertx, jobs, adapters, engine, model, new java.io.UncheckedIOException(
                    "cannot open the fine-tuning data in " + config.training().dataDir(config.adapters()), e));
        } catch (RuntimeException e) {
            throw failedStart(vertx, jobs, adapters, engine, model, e);
        } catch (Error e) {
            throw failedStart(vertx, jobs, adapters, engine, model, e);
        }
    }

    /** Frees what a failed start had set up, newest first; the model last, as everything else uses it. */
    private static <T extends Throwable> T failedStart(Vertx vertx, TrainingJobs jobs, AdapterService adapters,
            EngineLoop engine, LoadedModel model, T e) {
        if (vertx != null) {
            vertx.close();
        }
        if (jobs != null) {
            jobs.close();
        }
        if (engine != null) {
            engine.close();
        }
        if (adapters != null) {
            adapters.close();
        }
        model.close();
        return e;
    }

    private static AdapterService adapterService(ServerConfig config, LoadedModel model, CacheListener cacheEvents,
            ServerMetrics metrics) {
        try {
            AdapterStore store = AdapterStore.open(config.adapters(), AdapterStore.fingerprint(model.config()));
            return new AdapterService(store, config.adapters(), model.transformer(), config.adapterCacheBytes(),
                    config.adapterLoadThreads(), config.adapterLoadQueue(), config.maxLoraRank(), cacheEvents,
                    metrics::recordAdapterEvent, config.pinAdapters(), config.audit());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot open the adapter store " + config.adapters(), e);
        }
    }

    public int port() {
        return verticle.port();
    }

    public ServingModel serving() {
        return serving;
    }

    @Override
    public void close() {
        LOG.info("shutting down: finishing running requests (grace {})", config.shutdownGrace());
        vertx.undeploy(verticle.deploymentID()).await(); // stops accepting, waits for in-flight responses
        if (serving.jobs() != null) {
            serving.jobs().close(); // the running round stops at its next micro-batch and resumes on the next start
        }
        engine.shutdown(config.shutdownGrace().toMillis());
        vertx.close().await();
        engine.close();
        if (serving.adapters() != null) {
            serving.adapters().close();
        }
        model.close();
        LOG.info("stopped");
    }
}
