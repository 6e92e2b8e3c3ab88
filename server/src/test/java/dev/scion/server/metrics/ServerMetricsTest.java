package dev.scion.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerMetricsTest {
    private final ServerMetrics metrics = new ServerMetrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    /** Series ("name{labels}") to value, from the Prometheus text format. */
    private Map<String, Double> series() {
        Map<String, Double> values = new HashMap<>();
        for (String line : metrics.scrape().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return values;
    }

    private double value(String series) {
        Double v = series().get(series);
        assertTrue(v != null, "scrape has no series " + series + ":\n" + metrics.scrape());
        return v;
    }

    @Test
    void requestsAreCountedByRouteStatusAndModel() {
        metrics.recordRequest("/v1/chat/completions", 200, "tiny", Duration.ofMillis(250));
        metrics.recordRequest("/v1/chat/completions", 200, "tiny", Duration.ofMillis(750));
        metrics.recordRequest("/v1/chat/completions", 400, "tiny", Duration.ofMillis(1));
        metrics.recordRequest("/v1/models", 200, null, Duration.ofMillis(2));
        assertEquals(2.0, value("scion_requests_total{model=\"tiny\",route=\"/v1/chat/completions\",status=\"200\"}"));
        assertEquals(1.0, value("scion_requests_total{model=\"tiny\",route=\"/v1/chat/completions\",status=\"400\"}"));
        assertEquals(1.0, value("scion_requests_total{model=\"none\",route=\"/v1/models\",status=\"200\"}"));
        assertEquals(3.0, value("scion_request_duration_seconds_count{model=\"tiny\"}"));
        assertEquals(1.001, value("scion_request_duration_seconds_sum{model=\"tiny\"}"), 1e-9);
        assertEquals(0.75, value("scion_request_duration_seconds_max{model=\"tiny\"}"), 1e-9);
    }

    @Test
    void latenciesArePercentileHistograms() {
        metrics.recordTimeToFirstToken("tiny", Duration.ofMillis(40));
        metrics.recordTimeToFirstToken("tiny", Duration.ofSeconds(3));
        for (int i = 0; i < 5; i++) {
            metrics.recordInterTokenLatency("tiny", Duration.ofMillis(20));
        }
        Map<String, Double> s = series();
        assertEquals(2.0, s.get("scion_time_to_first_token_seconds_count{model=\"tiny\"}"));
        assertEquals(3.04, s.get("scion_time_to_first_token_seconds_sum{model=\"tiny\"}"), 1e-9);
        assertEquals(2.0, s.get("scion_time_to_first_token_seconds_bucket{model=\"tiny\",le=\"+Inf\"}"));
        assertEquals(5.0, s.get("scion_inter_token_latency_seconds_count{model=\"tiny\"}"));
        assertEquals(5.0, s.get("scion_inter_token_latency_seconds_bucket{model=\"tiny\",le=\"+Inf\"}"));
        // Cumulative buckets: the 40 ms sample is below 1 s, the 3 s one is not.
        assertEquals(1.0, bucketAt(s, "scion_time_to_first_token_seconds", "tiny", 1.0));
        assertEquals(0.0, bucketAt(s, "scion_inter_token_latency_seconds", "tiny", 0.01));
        assertEquals(5.0, bucketAt(s, "scion_inter_token_latency_seconds", "tiny", 0.1));
        assertTrue(s.keySet().stream().filter(k -> k.startsWith("scion_request_duration_seconds_bucket{")).count() > 10,
                "request duration publishes a histogram");
    }

    /** The count of the highest bucket whose bound is at most {@code bound}. */
    private static double bucketAt(Map<String, Double> s, String name, String model, double bound) {
        String prefix = name + "_bucket{model=\"" + model + "\",le=\"";
        double best = -1;
        double count = Double.NaN;
        for (Map.Entry<String, Double> e : s.entrySet()) {
            if (e.getKey().startsWith(prefix) && !e.getKey().contains("+Inf")) {
                double le = Double.parseDouble(e.getKey().substring(prefix.length(), e.getKey().length() - 2));
                if (le <= bound && le > best) {
                    best = le;
                    count = e.getValue();
                }
            }
        }
        assertTrue(best > 0, "a bucket at or below " + bound + " for " + name);
        return count;
    }

    @Test
    void tokensAreCountedPerModel() {
        metrics.recordTokens("tiny", 12, 30);
        metrics.recordTokens("tiny", 8, 2);
        metrics.recordTokens("tiny-lora", 5, 0);
        assertEquals(20.0, value("scion_prompt_tokens_total{model=\"tiny\"}"));
        assertEquals(32.0, value("scion_generated_tokens_total{model=\"tiny\"}"));
        assertEquals(5.0, value("scion_prompt_tokens_total{model=\"tiny-lora\"}"));
        assertEquals(0.0, value("scion_generated_tokens_total{model=\"tiny-lora\"}"));
        assertThrows(IllegalArgumentException.class, () -> metrics.recordTokens("tiny", -1, 0));
    }

    @Test
    void batchSizesFallIntoPowerOfTwoBuckets() {
        metrics.recordBatchSize(1);
        metrics.recordBatchSize(3);
        metrics.recordBatchSize(8);
        metrics.recordBatchSize(32);
        assertEquals(4.0, value("scion_batch_size_count"));
        assertEquals(44.0, value("scion_batch_size_sum"));
        assertEquals(1.0, value("scion_batch_size_bucket{le=\"1.0\"}"));
        assertEquals(1.0, value("scion_batch_size_bucket{le=\"2.0\"}"));
        assertEquals(3.0, value("scion_batch_size_bucket{le=\"8.0\"}"));
        assertEquals(4.0, value("scion_batch_size_bucket{le=\"32.0\"}"));
    }

    @Test
    void gaugesReadTheirSupplierAtEachScrape() {
        AtomicInteger queue = new AtomicInteger(3);
        AtomicInteger used = new AtomicInteger(2);
        metrics.registerQueueDepth(queue::get);
        metrics.registerRunningSequences(used::get);
        metrics.registerKvSlots(used::get, () -> 8);
        assertEquals(3.0, value("scion_queue_depth"));
        assertEquals(2.0, value("scion_running_sequences"));
        assertEquals(2.0, value("scion_kv_slots_used"));
        assertEquals(8.0, value("scion_kv_slots_capacity"));
        queue.set(0);
        used.set(7);
        assertEquals(0.0, value("scion_queue_depth"));
        assertEquals(7.0, value("scion_kv_slots_used"));
        assertTrue(metrics.scrape().contains("# HELP scion_queue_depth Requests waiting for a KV-cache slot"));
    }

    @Test
    void aFailingGaugeReadsNaNWithoutBreakingTheScrape() {
        metrics.gauge("scion.broken", "throws", () -> {
            throw new IllegalStateException("engine gone");
        });
        metrics.gauge("scion.absent", "returns null", () -> null);
        metrics.recordBatchSize(2);
        assertTrue(Double.isNaN(value("scion_broken")));
        assertTrue(Double.isNaN(value("scion_absent")));
        assertEquals(1.0, value("scion_batch_size_count"));
    }

    @Test
    void aGaugeNameCannotBeRegisteredTwice() {
        metrics.gauge("scion.custom", "first", () -> 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> metrics.gauge("scion.custom", "second", () -> 2));
        assertEquals("a meter named scion.custom is already registered", e.getMessage());
        assertEquals(1.0, value("scion_custom"));
    }

    @Test
    void jvmAndProcessMetricsArePresent() {
        Map<String, Double> s = series();
        assertTrue(s.get("scion_process_resident_memory_bytes") > 1 << 20, "RSS above 1 MiB");
        assertTrue(s.get("jvm_threads_live_threads") >= 1);
        assertTrue(s.get("system_cpu_count") >= 1);
        assertTrue(s.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{area=\"heap\"")));
        assertTrue(s.containsKey("jvm_gc_memory_allocated_bytes_total"));
        assertTrue(s.containsKey("process_cpu_usage"));
    }

    @Test
    void clientChosenTagValuesAreBounded() {
        for (int i = 0; i < ServerMetrics.MAX_MODELS + 50; i++) {
            metrics.recordRequest("/v1/chat/completions", 404, "model-" + i, Duration.ofMillis(1));
        }
        for (int i = 0; i < ServerMetrics.MAX_ROUTES + 10; i++) {
            metrics.recordRequest("/random/" + i, 404, "model-0", Duration.ofMillis(1));
        }
        Map<String, Double> s = series();
        long modelSeries = s.keySet().stream()
                .filter(k -> k.startsWith("scion_requests_total{") && k.contains("route=\"/v1/chat/completions\""))
                .count();
        assertEquals(ServerMetrics.MAX_MODELS + 1, modelSeries, "one series per admitted model plus 'other'");
        assertEquals(50.0, s.get("scion_requests_total{model=\"other\",route=\"/v1/chat/completions\",status=\"404\"}"));
        // One route was admitted before the loop; MAX_ROUTES - 1 random ones follow, the rest are "other".
        assertEquals(11.0, s.get("scion_requests_total{model=\"model-0\",route=\"other\",status=\"404\"}"));
        assertFalse(s.containsKey("scion_requests_total{model=\"model-0\",route=\"/random/63\",status=\"404\"}"));
    }

    @Test
    void concurrentRecordingLosesNothing() throws Exception {
        int threads = 8;
        int perThread = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String model = "m" + (t % 2);
                tasks.add(() -> {
                    for (int i = 0; i < perThread; i++) {
                        metrics.recordTokens(model, 1, 2);
                        metrics.recordInterTokenLatency(model, Duration.ofMillis(5));
                        metrics.recordBatchSize(4);
                        metrics.recordRequest("/v1/completions", 200, model, Duration.ofMillis(10));
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        double half = threads / 2.0 * perThread;
        assertEquals(half, value("scion_prompt_tokens_total{model=\"m0\"}"));
        assertEquals(2 * half, value("scion_generated_tokens_total{model=\"m1\"}"));
        assertEquals(half, value("scion_inter_token_latency_seconds_count{model=\"m0\"}"));
        assertEquals(threads * (double) perThread, value("scion_batch_size_count"));
        assertEquals(half, value("scion_requests_total{model=\"m1\",route=\"/v1/completions\",status=\"200\"}"));
    }

    @Test
    void residentMemoryIsParsedFromProcStatus() {
        String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmRSS:\t   123456 kB\nThreads:\t42\n";
        assertEquals(123456L * 1024, ProcessMemory.parseVmRss(status));
        assertThrows(IllegalArgumentException.class, () -> ProcessMemory.parseVmRss("Name:\tjava\n"));
        assertThrows(IllegalArgumentException.class, () -> ProcessMemory.parseVmRss("VmRSS:\t12 MB\n"));
    }
}
