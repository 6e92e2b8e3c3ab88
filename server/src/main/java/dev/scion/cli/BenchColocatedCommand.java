package dev.scion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.model.ModelConfig;
import dev.scion.server.ScionServer;
import dev.scion.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Serving latency with and without a co-located training job: streaming clients against a real server, first
 * alone, then while a fine-tuning job (created through the API, like an operator would) trains in the same
 * process under the duty cycle. Loopback only; the job is cancelled at the end.
 */
@Command(name = "colocated", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure inter-token latency with and without a co-located training job (loopback only).")
final class BenchColocatedCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "bench-admin";

    @Option(names = "--shape", defaultValue = "qwen2.5-0.5b", description = "Model shape: qwen2.5-0.5b or tiny.")
    String shape;

    @Option(names = "--clients", defaultValue = "4", description = "Concurrent streaming clients.")
    int clients;

    @Option(names = "--requests", defaultValue = "2", description = "Requests per client in each phase.")
    int requests;

    @Option(names = "--max-tokens", defaultValue = "32", description = "Completion tokens per request.")
    int maxTokens;

    @Option(names = "--duty-cycle", defaultValue = "0.5", description = "Training's share of time while serving.")
    double dutyCycle;

    @Override
    public Integer call() throws Exception {
        ModelConfig config = BenchCommand.config(shape);
        Path dir = Files.createTempDirectory("scion-bench-colocated");
        ServerConfig serverConfig = ServerConfig.builder().host("127.0.0.1").port(0).maxBatch(clients)
                .maxModelLen(512).queueSize(clients * 2).adapters(dir.resolve("adapters")).adminKey(ADMIN)
                .trainingDutyCycle(dutyCycle).build();
        try (ScionServer server = ScionServer.start(serverConfig, BenchServeCommand.randomModel(config, serverConfig))) {
            String id = server.serving().id();
            int port = server.port();
            System.out.printf(Locale.ROOT, "server on 127.0.0.1:%d, shape %s, %d clients x %d requests x %d tokens,"
                    + " duty cycle %.2f%n", port, shape, clients, requests, maxTokens, dutyCycle);
            BenchServeCommand.run(port, c -> id, 1, 1, maxTokens); // warm-up
            long start = System.nanoTime();
            List<BenchServeCommand.Sample> alone = BenchServeCommand.run(port, c -> id, clients, requests, maxTokens);
            BenchServeCommand.report("serving alone        ", alone, (System.nanoTime() - start) / 1e9);
            HttpClient http = HttpClient.newHttpClient();
            String job = startJob(http, port, id);
            start = System.nanoTime();
            List<BenchServeCommand.Sample> shared = BenchServeCommand.run(port, c -> id, clients, requests, maxTokens);
            BenchServeCommand.report("with a training job  ", shared, (System.nanoTime() - start) / 1e9);
            JsonNode status = call(http, port, "GET", "/v1/fine_tuning/jobs/" + job, null);
            System.out.println("job " + job + " was " + status.path("status").asText() + " throughout; cancelling");
            call(http, port, "POST", "/v1/fine_tuning/jobs/" + job + "/cancel", null);
        }
        return 0;
    }

    /** Uploads a data file long enough to outlast the measurement and waits for the job to run. */
    private String startJob(HttpClient http, int port, String base) throws Exception {
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            data.append("{\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about item ").append(i)
                    .append(" in some detail, please.\"},{\"role\":\"assistant\",\"content\":\"Item ").append(i)
                    .append(" is a bench example with a longer answer so the job keeps training for a while.\"}]}\n");
        }
        String boundary = "scion-bench-boundary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.jsonl\"\r\n"
                + "Content-Type: application/jsonl\r\n\r\n" + data + "\r\n--" + boundary + "--\r\n";
        HttpRequest upload = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/files"))
                .header("Authorization", "Bearer " + ADMIN)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        JsonNode file = JSON.readTree(http.send(upload, HttpResponse.BodyHandlers.ofString()).body());
        JsonNode job = call(http, port, "POST", "/v1/fine_tuning/jobs", "{\"model\":" + JSON.writeValueAsString(base)
                + ",\"training_file\":\"" + file.path("id").asText() + "\",\"suffix\":\"bench\","
                + "\"hyperparameters\":{\"n_epochs\":50,\"batch_size\":4}}");
        String id = job.path("id").asText();
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (!call(http, port, "GET", "/v1/fine_tuning/jobs/" + id, null).path("status").asText().equals("running")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + id + " did not start: " + job);
            }
            LockSupport.parkNanos(100_000_000L);
        }
        System.out.println("job " + id + " running");
        return id;
    }

    private static JsonNode call(HttpClient http, int port, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
