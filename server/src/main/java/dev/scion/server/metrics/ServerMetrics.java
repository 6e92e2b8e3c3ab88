package dev.scion.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Scion's Prometheus metrics (served at {@code /metrics}). Every method may be called from any thread: Micrometer's
 * meters are thread-safe, and the per-model meters are created once and cached so the per-token calls on the engine
 * thread cost a map lookup and an atomic update.
 *
 * <p>Tag values that can come from clients (model, route) are bounded in number; see {@link TagLimiter}. Callers
 * should pass route templates ("/v1/chat/completions"), not raw paths.
 */
public final class ServerMetrics implements AutoCloseable {
    /** The Content-Type of {@link #scrape()}: Prometheus text exposition format 0.0.4. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    static final int MAX_MODELS = 256;
    static final int MAX_ROUTES = 64;

    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final TagLimiter models = new TagLimiter(MAX_MODELS);
    private final TagLimiter routes = new TagLimiter(MAX_ROUTES);
    private final Map<String, ModelMeters> perModel = new ConcurrentHashMap<>();
    private final DistributionSummary batchSize;
    // the last training step's figures, read by gauges; NaN before the first step
    private volatile double trainingLoss = Double.NaN;
    private volatile double trainingLearningRate = Double.NaN;
    private volatile double trainingTokensPerSecond = Double.NaN;
    private final Counter trainingPaused;

    /** Per-model meters, looked up once per model name. */
    private record ModelMeters(Timer timeToFirstToken, Timer interTokenLatency, Timer requestDuration,
            Counter promptTokens, Counter generatedTokens) {}

    public ServerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("scion.process.resident.memory", ProcessMemory::residentBytes)
                .description("Resident set size of the process (heap, native tensors, KV cache) from /proc/self/status")
                .baseUnit("bytes")
                .register(registry);
        batchSize = DistributionSummary.builder("scion.batch.size")
                .description("Sequences in each engine step's forward pass")
                .serviceLevelObjectives(BATCH_BUCKETS)
                .register(registry);
        gauge("scion.training.loss", "Training loss of the last optimizer step", () -> trainingLoss);
        gauge("scion.training.learning.rate", "Learning rate of the last optimizer step", () -> trainingLearningRate);
        gauge("scion.training.tokens.per.second", "Training throughput of the running round, in tokens per second",
                () -> trainingTokensPerSecond);
        trainingPaused = Counter.builder("scion.training.yielded").baseUnit("seconds")
                .description("Time training paused to leave the device to serving (--training-duty-cycle)")
                .register(registry);
    }

    /** One finished HTTP request; {@code d} is its end-to-end latency. */
    public void recordRequest(String route, int status, String model, Duration d) {
        String modelTag = models.admit(model);
        Counter.builder("scion.requests")
                .description("HTTP requests by route, status and model")
                .tag("route", routes.admit(route))
                .tag("status", Integer.toString(status))
                .tag("model", modelTag)
                .register(registry)
                .increment();
        meters(modelTag).requestDuration().record(d);
    }

    /** From request arrival to the first generated token (queue wait and prefill included). */
    public void recordTimeToFirstToken(String model, Duration d) {
        meters(models.admit(model)).timeToFirstToken().record(d);
    }

    /** Between two consecutive tokens of one sequence. */
    public void recordInterTokenLatency(String model, Duration d) {
        meters(models.admit(model)).interTokenLatency().record(d);
    }

    /** Adds one request's token counts. */
    public void recordTokens(String model, int prompt, int generated) {
        if (prompt < 0 || generated < 0) {
            throw new IllegalArgumentException("token counts must be >= 0, got " + prompt + " and " + generated);
        }
        ModelMeters m = meters(models.admit(model));
        m.promptTokens().increment(prompt);
        m.generatedTokens().increment(generated);
    }

    /** The number of sequences one engine step ran. */
    public void recordBatchSize(int sequences) {
        batchSize.record(sequences);
    }

    /** Sequences waiting for a KV slot. */
    public void registerQueueDepth(Supplier<Number> depth) {
        gauge("scion.queue.depth", "Requests waiting for a KV-cache slot", depth);
    }

    /** Sequences being prefilled or decoded. */
    public void registerRunningSequences(Supplier<Number> running) {
        gauge("scion.running.sequences", "Sequences holding a KV-cache slot", running);
    }

    /**
     * KV-cache slots in use and in total, as scion_kv_slots_used and scion_kv_slots_capacity (Prometheus reserves
     * the _total suffix for counters and strips it from gauges).
     */
    public void registerKvSlots(Supplier<Number> inUse, Supplier<Number> total) {
        gauge("scion.kv.slots.used", "KV-cache slots in use", inUse);
        gauge("scion.kv.slots.capacity", "KV-cache slots in all (--max-batch)", total);
    }

    /**
     * Registers a gauge read at each scrape. A supplier that fails or returns null reads as NaN rather than failing
     * the scrape.
     *
     * @param name Micrometer name, dot-separated ("scion.queue.depth" is exported as scion_queue_depth)
     * @throws IllegalStateException if a meter of that name exists (a second supplier would be silently ignored)
     */
    public void gauge(String name, String help, Supplier<Number> value) {
        if (registry.find(name).meter() != null) {
            throw new IllegalStateException("a meter named " + name + " is already registered");
        }
        Gauge.builder(name, () -> read(value)).description(help).strongReference(true).register(registry);
    }

    /**
     * Adapter-cache meters: hits, misses, loads with their time, evictions and bytes freed, by adapter
     * version (capped like model labels). Resident bytes are a gauge registered by the server.
     */
    public dev.scion.server.adapters.cache.CacheListener adapterCacheListener() {
        return new dev.scion.server.adapters.cache.CacheListener() {
            @Override
            public void hit(dev.scion.server.adapters.cache.AdapterKey key) {
                cacheCounter("hits", key).increment();
            }

            @Override
            public void miss(dev.scion.server.adapters.cache.AdapterKey key) {
                cacheCounter("misses", key).increment();
            }

            @Override
            public void loaded(dev.scion.server.adapters.cache.AdapterKey key, Duration d, long bytes) {
                Timer.builder("scion.adapter.load").description("Loading an adapter version onto the device")
                        .tag("model", models.admit(key.modelId())).register(registry).record(d);
            }

            @Override
            public void evicted(dev.scion.server.adapters.cache.AdapterKey key, long bytes) {
                cacheCounter("evictions", key).increment();
            }
        };
    }

    private Counter cacheCounter(String what, dev.scion.server.adapters.cache.AdapterKey key) {
        return Counter.builder("scion.adapter.cache." + what).description("Adapter cache " + what)
                .tag("model", models.admit(key.modelId())).register(registry);
    }

    /** An adapter-pool action that changes what serves requests: publish, promote, rollback, auto_rollback, delete. */
    public void recordAdapterEvent(String action, String adapter) {
        Counter.builder("scion.adapter.events").description("Adapter publishes, promotions, rollbacks and deletions")
                .tag("action", action).tag("adapter", models.admit(adapter)).register(registry).increment();
    }

    /**
     * A connection the server closed to bound what clients hold: {@code max_connections} (refused at accept),
     * {@code header_timeout}, {@code idle_timeout}, {@code body_timeout}.
     */
    public void recordConnectionClosed(String reason) {
        Counter.builder("scion.http.connections.closed")
                .description("Connections closed by the server's limits (--max-connections, --header-timeout, "
                        + "--idle-timeout, --body-timeout)")
                .tag("reason", reason).register(registry).increment();
    }

    /**
     * One optimizer step of the running round: counts it and sets the loss, learning-rate and throughput gauges
     * (which keep the last step's values between rounds).
     */
    public void recordTrainingStep(String adapter, double loss, double learningRate, double tokensPerSecond) {
        Counter.builder("scion.training.steps").description("Optimizer steps of training rounds")
                .tag("adapter", models.admit(adapter)).register(registry).increment();
        trainingLoss = loss;
        trainingLearningRate = learningRate;
        trainingTokensPerSecond = tokensPerSecond;
    }

    /** A finished fine-tuning job: {@code result} is succeeded, failed or cancelled. */
    public void recordTrainingRound(String result) {
        Counter.builder("scion.training.rounds").description("Fine-tuning jobs by how they ended")
                .tag("result", result).register(registry).increment();
    }

    /** The evaluation gate's verdict on a trained adapter: passed (published) or refused. */
    public void recordTrainingGate(boolean passed) {
        Counter.builder("scion.training.gate").description("Evaluation gate verdicts on trained adapters")
                .tag("result", passed ? "passed" : "refused").register(registry).increment();
    }

    /** Time training waited to leave the device to serving (the duty cycle). */
    public void recordTrainingPause(long nanos) {
        trainingPaused.increment(nanos / 1e9);
    }

    /** Every metric in Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    /** For binders this class does not know about (e.g. Vert.x's own metrics). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }

    private ModelMeters meters(String model) {
        return perModel.computeIfAbsent(model, this::createMeters);
    }

    private ModelMeters createMeters(String model) {
        return new ModelMeters(
                latency("scion.time.to.first.token", "From request arrival to the first generated token", model,
                        Duration.ofMillis(1), Duration.ofMinutes(5)),
                latency("scion.inter.token.latency", "Between consecutive tokens of one sequence", model,
                        Duration.ofNanos(100_000), Duration.ofSeconds(30)),
                latency("scion.request.duration", "End-to-end request latency", model,
                        Duration.ofMillis(1), Duration.ofMinutes(30)),
                Counter.builder("scion.prompt.tokens").description("Prompt tokens processed")
                        .tag("model", model).register(registry),
                Counter.builder("scion.generated.tokens").description("Tokens generated")
                        .tag("model", model).register(registry));
    }

    private Timer latency(String name, String help, String model, Duration min, Duration max) {
        return Timer.builder(name)
                .description(help)
                .tag("model", model)
                .publishPercentileHistogram()
                .minimumExpectedValue(min)
                .maximumExpectedValue(max)
                .register(registry);
    }

    private static double read(Supplier<Number> value) {
        try {
            Number n = value.get();
            return n == null ? Double.NaN : n.doubleValue();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
