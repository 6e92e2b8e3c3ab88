package dev.scion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.LoadedModel;
import dev.scion.engine.embedded.DefaultModel;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.runtime.Transformer;
import dev.scion.engine.text.Tokenizer;
import dev.scion.engine.text.template.ChatTemplate;
import dev.scion.engine.weights.RandomWeights;
import dev.scion.server.ScionServer;
import dev.scion.server.config.ServerConfig;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Load on a real server over loopback: a server on the random-weight model of the given shape
 * (with the embedded tokenizer), then, at each concurrency, that many clients each streaming a
 * fixed number of chat requests. Reports throughput, time to first token and inter-token latency.
 * Bounded: clients x requests per level, loopback only.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure the HTTP server under concurrent streaming clients (loopback only).")
final class BenchServeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--shape", defaultValue = "qwen2.5-0.5b", description = "Model shape: qwen2.5-0.5b or tiny.")
    String shape;

    @Option(names = "--concurrency", split = ",", defaultValue = "1,8,32", description = "Client counts to measure.")
    int[] levels;

    @Option(names = "--requests", defaultValue = "2", description = "Requests per client at each level.")
    int requests;

    @Option(names = "--max-tokens", defaultValue = "32", description = "Completion tokens per request.")
    int maxTokens;

    record Sample(long firstTokenNanos, List<Long> gapsNanos, int tokens) {}

    @Override
    public Integer call() throws Exception {
        ModelConfig config = BenchCommand.config(shape);
        int maxLevel = java.util.Arrays.stream(levels).max().orElse(1);
        ServerConfig serverConfig = ServerConfig.builder().host("127.0.0.1").port(0).maxBatch(maxLevel)
                .maxModelLen(512).queueSize(Math.max(1, maxLevel * 2)).build();
        try (ScionServer server = ScionServer.start(serverConfig, randomModel(config, serverConfig))) {
            String id = server.serving().id();
            System.out.printf(Locale.ROOT, "server on 127.0.0.1:%d, shape %s, %d slots, %d tokens per request%n",
                    server.port(), shape, maxLevel, maxTokens);
            run(server.port(), id, 1, 1); // warm-up
            for (int level : levels) {
                long start = System.nanoTime();
                List<Sample> samples = run(server.port(), id, level, requests);
                double seconds = (System.nanoTime() - start) / 1e9;
                report(level, samples, seconds);
            }
        }
        return 0;
    }

    /** Random weights of the benchmark shape, with the embedded model's tokenizer and chat template. */
    static LoadedModel randomModel(ModelConfig config, ServerConfig serverConfig) throws java.io.IOException {
        Path tokenizerDir = DefaultModel.ensure(DefaultModel.defaultCacheRoot());
        try (RandomWeights weights = new RandomWeights(config, 1)) {
            return new LoadedModel(tokenizerDir, config, Transformer.load(config, weights, serverConfig.runtimeOptions()),
                    Tokenizer.load(tokenizerDir.resolve("tokenizer.json")),
                    ChatTemplate.fromTokenizerConfig(tokenizerDir.resolve("tokenizer_config.json")));
        }
    }

    private List<Sample> run(int port, String model, int clients, int perClient) throws Exception {
        return run(port, c -> model, clients, perClient, maxTokens);
    }

    /** {@code clients} threads, each streaming {@code perClient} chat requests to the model it is given. */
    static List<Sample> run(int port, java.util.function.IntFunction<String> modelOf, int clients, int perClient,
            int maxTokens) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<Sample>>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    List<Sample> mine = new ArrayList<>();
                    for (int r = 0; r < perClient; r++) {
                        mine.add(stream(http, port, modelOf.apply(client), maxTokens,
                                "Request " + client + "." + r + ": tell me a story."));
                    }
                    return mine;
                }));
            }
            List<Sample> all = new ArrayList<>();
            for (Future<List<Sample>> f : futures) {
                all.addAll(f.get());
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    static Sample stream(HttpClient http, int port, String model, int maxTokens, String question) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":" + maxTokens
                + ",\"temperature\":0.8,\"seed\":1,\"logprobs\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + JSON.writeValueAsString(question) + "}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long sent = System.nanoTime();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode());
        }
        long first = 0;
        long last = 0;
        int tokens = 0;
        List<Long> gaps = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.startsWith("data: {")) {
                    continue;
                }
                JsonNode chunk = JSON.readTree(line.substring(6));
                // with logprobs on, every generated token arrives as its own chunk, text or not
                if (!chunk.at("/choices/0/logprobs/content").isArray()) {
                    continue;
                }
                long now = System.nanoTime();
                if (first == 0) {
                    first = now - sent;
                } else {
                    gaps.add(now - last);
                }
                last = now;
                tokens++;
            }
        }
        return new Sample(first, gaps, tokens);
    }

    static void report(int level, List<Sample> samples, double seconds) {
        report("concurrency " + String.format(Locale.ROOT, "%2d", level), samples, seconds);
    }

    static void report(String label, List<Sample> samples, double seconds) {
        List<Long> ttft = new ArrayList<>();
        List<Long> gaps = new ArrayList<>();
        int tokens = 0;
        for (Sample s : samples) {
            ttft.add(s.firstTokenNanos());
            gaps.addAll(s.gapsNanos());
            tokens += s.tokens();
        }
        Collections.sort(ttft);
        Collections.sort(gaps);
        System.out.printf(Locale.ROOT,
                "%s: %3d requests, %5d tokens in %6.1f s = %6.2f tokens/s; TTFT p50 %6.0f ms p99 %6.0f ms;"
                        + " ITL p50 %5.0f ms p99 %5.0f ms%n",
                label, samples.size(), tokens, seconds, tokens / seconds, ms(ttft, 0.5), ms(ttft, 0.99), ms(gaps, 0.5),
                ms(gaps, 0.99));
    }

    private static double ms(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1e6;
    }
}
