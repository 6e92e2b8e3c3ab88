package dev.scion.server.pool;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.server.Conditions;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import dev.scion.server.adapters.cache.AdapterKey;
import dev.scion.server.adapters.cache.CacheListener;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cold adapter loads run on threads of their own: however slow one is, requests for the base model and for hot
 * adapters are answered meanwhile, and loads beyond the threads and their queue are refused with 503.
 */
class SlowAdapterLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "admin-secret";
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    /**
     * Makes the loads of the named adapters slow: each waits, on its load thread with its load permit held, until
     * the test releases it. Counts every cache miss, the way a request for a cold adapter begins.
     */
    static final class SlowLoads implements CacheListener {
        private final List<String> slow;
        private final CountDownLatch release = new CountDownLatch(1);
        final Map<String, AtomicInteger> misses = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> started = new ConcurrentHashMap<>();

        SlowLoads(String... slow) {
            this.slow = List.of(slow);
        }

        @Override
        public void miss(AdapterKey key) {
            misses.computeIfAbsent(key.name(), k -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void loadStarted(AdapterKey key) {
            started.computeIfAbsent(key.name(), k -> new AtomicInteger()).incrementAndGet();
            if (slow.contains(key.name())) {
                try {
                    // longer than any request's bound: a request that waits for this load times out first
                    if (!release.await(3 * BOUND.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never released the load of " + key.modelId());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }

        int misses(String name) {
            AtomicInteger n = misses.get(name);
            return n == null ? 0 : n.get();
        }

        int started(String name) {
            AtomicInteger n = started.get(name);
            return n == null ? 0 : n.get();
        }

        void release() {
            release.countDown();
        }
    }

    private Path peft(String folder, long seed) throws Exception {
        ModelConfig config = ModelConfig.load(TestServers.model());
        List<Projection> targets = List.of(Projection.Q, Projection.V);
        LoraAdapter adapter = RandomLora.create(folder, config, 4, EnumSet.copyOf(targets), seed, 2.0);
        Path dir = tmp.resolve(folder);
        PeftAdapter.write(adapter, dir, PeftConfig.of(4, 8, targets, TestServers.modelId()));
        return dir;
    }

    private void publish(ScionServer server, String name, long seed) throws Exception {
        given().port(server.port()).header("Authorization", "Bearer " + ADMIN).contentType("application/json")
                .body("{\"lora_name\":\"" + name + "\",\"lora_path\":"
                        + JSON.valueToTree(peft(name + "-v1", seed).toString()) + "}")
                .post("/v1/load_lora_adapter").then().statusCode(200);
    }

    private static String chatBody(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":2}";
    }

    /** A chat request sent from the client's own threads, so the test can hold many open at once. */
    private static CompletableFuture<HttpResponse<String>> chat(HttpClient client, ScionServer server, String model) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/v1/chat/completions")).timeout(BOUND).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody(model))).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void await(String what, BooleanSupplier condition) {
        Conditions.await(what, condition, BOUND);
    }

    /** The model that answered the request, which must be answered with 200 within the bound. */
    private static String servedBy(CompletableFuture<HttpResponse<String>> request, String what) throws Exception {
        HttpResponse<String> response;
        try {
            response = request.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": no answer within " + BOUND.toSeconds() + " s");
        }
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body()).get("model").asText();
    }

    @Test
    void aSlowColdLoadDelaysNeitherTheBaseModelNorHotAdapters() throws Exception {
        SlowLoads loads = new SlowLoads("slow");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store"))
                .adminKey(ADMIN), loads)) {
            try {
                slowLoadMeanwhile(server, client, loads);
            } finally {
                loads.release(); // also when an assertion failed, so that the server can stop
            }
        }
    }

    private void slowLoadMeanwhile(ScionServer server, HttpClient client, SlowLoads loads) throws Exception {
        publish(server, "hot", 1);
        publish(server, "slow", 2);
        assertEquals("hot@1", servedBy(chat(client, server, "hot"), "warming hot"));

        // more requests for the slow adapter than the server has worker threads (20): if a request waited for
        // the load on a worker, these would take them all
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            slow.add(chat(client, server, "slow"));
        }
        await("the slow load to run with 20 requests waiting on it",
                () -> loads.misses("slow") >= 20 && loads.started("slow") == 1);

        String base = TestServers.modelId();
        for (int i = 0; i < 4; i++) {
            assertEquals(base, servedBy(chat(client, server, base), "the base model while the slow load runs"));
        }
        assertEquals("hot@1", servedBy(chat(client, server, "hot"), "a hot adapter while the slow load runs"));
        assertTrue(slow.stream().noneMatch(CompletableFuture::isDone), "the slow load was still running");

        loads.release();
        for (var response : slow) {
            assertEquals("slow@1", servedBy(response, "the slow adapter once loaded"));
        }
        assertEquals(24, loads.misses("slow"));
        assertEquals(1, loads.started("slow"), "24 requests, one load");
    }

    @Test
    void loadsBeyondTheThreadsAndTheQueueAreRefusedWith503AndRetryAfter() throws Exception {
        SlowLoads loads = new SlowLoads("first", "second");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store"))
                .adminKey(ADMIN).adapterLoadThreads(1).adapterLoadQueue(1), loads)) {
            try {
                refusedBeyondTheQueue(server, client, loads);
            } finally {
                loads.release();
            }
        }
    }

    private void refusedBeyondTheQueue(ScionServer server, HttpClient client, SlowLoads loads) throws Exception {
        for (String name : List.of("first", "second", "third")) {
            publish(server, name, name.length());
        }
        var first = chat(client, server, "first");
        await("the load of first to run", () -> loads.started("first") == 1);
        var second = chat(client, server, "second");
        await("the load of second to wait in the queue", () -> loads.misses("second") == 1);

        Response refused = given().port(server.port()).filter(OpenApiContract.filter())
                .contentType("application/json").body(chatBody("third")).post("/v1/chat/completions");
        assertEquals(503, refused.statusCode(), refused.asString());
        assertEquals("1", refused.getHeader("Retry-After"));
        JsonNode error = JSON.readTree(refused.asString()).get("error");
        assertEquals("server_error", error.get("type").asText());
        assertTrue(error.get("message").asText().contains("--adapter-load-queue"), error.toString());
        assertEquals(0, loads.started("third"), "the refused load never started");

        var joined = chat(client, server, "first"); // joins the running load: no thread or queue place needed
        await("the second request for first to join its load", () -> loads.misses("first") == 2);
        assertEquals(TestServers.modelId(), servedBy(chat(client, server, TestServers.modelId()), "the base model"));

        loads.release();
        assertEquals("first@1", servedBy(first, "first"));
        assertEquals("first@1", servedBy(joined, "first, joined"));
        assertEquals("second@1", servedBy(second, "second, queued"));
        assertEquals("third@1", servedBy(chat(client, server, "third"), "third, once a load thread is free"));
        assertEquals(1, loads.started("first"), "the joined request loaded nothing of its own");
    }
}
