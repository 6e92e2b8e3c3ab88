package dev.scion.cli;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.server.ScionServer;
import dev.scion.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The adapter pool under load: cold-load time of one adapter, publish-to-first-served latency
 * through the HTTP API, and streaming throughput when the clients' requests spread over 1, 8 or
 * 32 distinct adapters. Loopback only, bounded request counts.
 */
@Command(name = "adapters", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure adapter loading, publishing and multi-adapter serving (loopback only).")
final class BenchAdaptersCommand implements Callable<Integer> {
    private static final String ADMIN = "bench-admin";

    @Option(names = "--shape", defaultValue = "qwen2.5-0.5b", description = "Model shape: qwen2.5-0.5b or tiny.")
    String shape;

    @Option(names = "--rank", defaultValue = "16", description = "Adapter rank (all seven projections).")
    int rank;

    @Option(names = "--distinct", split = ",", defaultValue = "1,8,32", description = "Distinct adapters in the workload.")
    int[] distinct;

    @Option(names = "--clients", defaultValue = "32", description = "Concurrent streaming clients.")
    int clients;

    @Option(names = "--max-tokens", defaultValue = "16", description = "Completion tokens per request.")
    int maxTokens;

    @Override
    public Integer call() throws Exception {
        ModelConfig config = BenchCommand.config(shape);
        int adapters = java.util.Arrays.stream(distinct).max().orElse(1);
        Path work = Files.createTempDirectory("scion-bench-adapters-");
        ServerConfig serverConfig = ServerConfig.builder().host("127.0.0.1").port(0).maxBatch(clients)
                .maxModelLen(512).queueSize(clients * 2).maxLoras(adapters).adapters(work.resolve("store"))
                .adminKey(ADMIN).adapterCacheBytes(8L << 30).build();
        List<Projection> all = List.of(Projection.values());
        try (ScionServer server = ScionServer.start(serverConfig, BenchServeCommand.randomModel(config, serverConfig))) {
            int port = server.port();
            LoraAdapter first = RandomLora.create("bench-0", config, rank, EnumSet.allOf(Projection.class), 1, 2.0);
            long start = System.nanoTime();
            try (DeviceAdapter device = DeviceAdapter.upload(first, server.serving().model().transformer())) {
                System.out.printf(Locale.ROOT, "upload of a rank-%d all-projection adapter to the device: %.0f ms (%d MiB)%n",
                        rank, (System.nanoTime() - start) / 1e6, device.bytes() >> 20);
            }
            for (int i = 0; i < adapters; i++) {
                Path folder = work.resolve("peft-" + i);
                PeftAdapter.write(RandomLora.create("bench-" + i, config, rank, EnumSet.allOf(Projection.class), i + 1,
                        2.0), folder, PeftConfig.of(rank, 2.0 * rank, all, shape));
                long publish = System.nanoTime();
                post(port, "/v1/load_lora_adapter", "{\"lora_name\":\"a" + i + "\",\"lora_path\":\""
                        + folder.toString().replace("\\", "\\\\") + "\"}");
                long published = System.nanoTime();
                if (i == 0) {
                    BenchServeCommand.Sample s = BenchServeCommand.stream(HttpClient.newHttpClient(), port, "a0", 4,
                            "first request");
                    System.out.printf(Locale.ROOT, "publish (validate, copy, fsync, checksum) %.0f ms; then first token"
                            + " from the new adapter %.0f ms (cold load + prefill); publish-to-first-served %.0f ms%n",
                            (published - publish) / 1e6, s.firstTokenNanos() / 1e6,
                            (published - publish + s.firstTokenNanos()) / 1e6);
                }
            }
            BenchServeCommand.run(port, c -> "a" + (c % adapters), adapters, 1, 2); // every adapter warm in the cache
            for (int k : distinct) {
                long begin = System.nanoTime();
                List<BenchServeCommand.Sample> samples = BenchServeCommand.run(port, c -> "a" + (c % k), clients, 1,
                        maxTokens);
                BenchServeCommand.report(String.format(Locale.ROOT, "%2d distinct adapters, %d clients", k, clients),
                        samples, (System.nanoTime() - begin) / 1e9);
            }
        }
        return 0;
    }

    private static void post(int port, String path, String body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ADMIN).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
    }
}
