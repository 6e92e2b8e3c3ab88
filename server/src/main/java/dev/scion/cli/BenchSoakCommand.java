package dev.scion.cli;

import dev.scion.engine.embedded.DefaultModel;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.server.config.ConfigValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The hardening soak: against a running {@code scion serve}, the hostile loads of the hardening issue at once, for a
 * bounded time and a bounded number of sockets (oversized prompts to chat and {@code /tokenize}, stalled and
 * never-ending bodies, slowloris headers, idle sockets, paging through a long audit log), while one probe asks
 * {@code /health} every 25 ms and one client keeps chatting. Prints the probe's latency percentiles, what each load
 * got back, and the server's resident memory (its own {@code /metrics} gauge) before, at its peak and after.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Hostile load against a running server; prints /health latency and the server's RSS.")
final class BenchSoakCommand implements Callable<Integer> {
    private static final Pattern RSS = Pattern.compile("(?m)^scion_process_resident_memory_bytes(?:\\{[^}]*})? (\\S+)$");

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8000", description = "The server (loopback).")
    URI url;

    @Option(names = "--admin-key", description = "The server's admin key: an adapter is uploaded and its audit log "
            + "filled, then paged through. Without it that load is left out.")
    String adminKey;

    @Option(names = "--api-key", description = "The server's inference key, if it has one.")
    String apiKey;

    @Option(names = "--model", description = "The served checkpoint folder, for the adapter's shape "
            + "(default: the embedded model).")
    Path model;

    @Option(names = "--duration", defaultValue = "60s", description = "How long the loads run (default: 60s).")
    String duration;

    @Option(names = "--settle", defaultValue = "20s", description = "Rest after the loads before an RSS is taken.")
    String settle;

    @Option(names = "--stalled", defaultValue = "24", description = "Clients sending 8 MB bodies slowly (half chunked).")
    int stalled;

    @Option(names = "--slowloris", defaultValue = "32", description = "Clients sending headers a byte a second.")
    int slowloris;

    @Option(names = "--idle", defaultValue = "32", description = "Sockets opened and left silent.")
    int idle;

    @Option(names = "--big-prompts", defaultValue = "2", description = "Clients sending 7 MB prompts, in turn to "
            + "chat completions and /tokenize.")
    int bigPrompts;

    @Option(names = "--events", defaultValue = "2000", description = "Audit events written before paging through them.")
    int events;

    @Option(names = "--warmup", defaultValue = "15s", description = "A first, shorter round of the same loads, "
            + "after which (and --settle) the starting RSS is taken: code compiled and pools sized for these paths "
            + "are the server's working set, not growth the soak caused (default: 15s; 0s for none).")
    String warmup;

    /** What one round of the loads saw. */
    private record Round(HealthProbe probe, List<HostileLoad> loads, HostileLoad.Chats chats, long rssPeak) {}

    @Override
    public Integer call() throws Exception {
        if (!"127.0.0.1".equals(url.getHost()) && !"localhost".equals(url.getHost())) {
            System.err.println("the soak only runs against a loopback server");
            return 2;
        }
        long settleMillis = ConfigValues.parseDuration(settle).toMillis();
        SoakClient client = new SoakClient(url, apiKey, adminKey);
        client.chat("Hello!"); // the first request compiles and allocates what every later one reuses
        String adapter = adminKey == null ? null : prepareAuditLog(client);
        Duration warm = ConfigValues.parseDuration(warmup);
        if (!warm.isZero()) {
            System.out.printf(Locale.ROOT, "warm-up: %s of the loads, then %s to settle; RSS before it %s%n",
                    ConfigValues.format(warm), settle, mib(client.rss()));
            run(client, adapter, warm, 0);
            Thread.sleep(settleMillis); // the settling time is part of the measurement
        }
        long rssStart = client.rss();
        System.out.printf(Locale.ROOT, "RSS at start: %s%n", mib(rssStart));
        Round round = run(client, adapter, ConfigValues.parseDuration(duration), rssStart);
        Thread.sleep(settleMillis);
        long rssEnd = client.rss();
        System.out.println(round.probe().report());
        round.loads().stream().collect(java.util.stream.Collectors.groupingBy(HostileLoad::name,
                java.util.LinkedHashMap::new, java.util.stream.Collectors.toList()))
                .values().forEach(same -> System.out.println(HostileLoad.report(same)));
        System.out.printf(Locale.ROOT, "RSS: start %s, peak %s (%+.1f%%), after %s of rest %s (%+.1f%%)%n",
                mib(rssStart), mib(round.rssPeak()), 100.0 * (round.rssPeak() - rssStart) / rssStart, settle,
                mib(rssEnd), 100.0 * (rssEnd - rssStart) / rssStart);
        return round.chats().failures() == 0 ? 0 : 1;
    }

    /** Runs every load and the probe for {@code length}, sampling the server's RSS every 2 s. */
    private Round run(SoakClient client, String adapter, Duration length, long rssBefore) throws Exception {
        long deadline = System.nanoTime() + length.toNanos();
        HealthProbe probe = new HealthProbe(client, deadline);
        List<HostileLoad> loads = new ArrayList<>();
        for (int i = 0; i < stalled; i++) {
            loads.add(new HostileLoad.StalledBody(url, deadline, i % 2 == 1, apiKey));
        }
        for (int i = 0; i < slowloris; i++) {
            loads.add(new HostileLoad.Slowloris(url, deadline));
        }
        for (int i = 0; i < idle; i++) {
            loads.add(new HostileLoad.IdleSocket(url, deadline));
        }
        for (int i = 0; i < bigPrompts; i++) {
            loads.add(new HostileLoad.BigPrompt(client, deadline, i));
        }
        if (adapter != null) {
            loads.add(new HostileLoad.EventPages(client, deadline, adapter));
        }
        HostileLoad.Chats chats = new HostileLoad.Chats(client, deadline);
        loads.add(chats);
        ExecutorService pool = Executors.newFixedThreadPool(loads.size() + 1);
        try {
            var probed = pool.submit(probe);
            var done = new ArrayList<java.util.concurrent.Future<?>>();
            for (HostileLoad load : loads) {
                done.add(pool.submit(load));
            }
            long rssPeak = rssBefore;
            while (System.nanoTime() < deadline) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                Thread.sleep(Math.min(2_000, left)); // a sampling interval, not synchronisation
                rssPeak = Math.max(rssPeak, client.rss());
            }
            probed.get();
            for (var f : done) {
                f.get();
            }
            return new Round(probe, loads, chats, rssPeak);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Uploads a random adapter for the served model and writes {@link #events} routing changes into its log. */
    private String prepareAuditLog(SoakClient client) throws IOException, InterruptedException {
        Path dir = model != null ? model : DefaultModel.ensure(DefaultModel.defaultCacheRoot());
        ModelConfig config = ModelConfig.load(dir);
        List<Projection> targets = List.of(Projection.Q, Projection.V);
        String name = "soak-" + Long.toHexString(System.nanoTime());
        LoraAdapter lora = RandomLora.create(name, config, 4, EnumSet.copyOf(targets), 7, 2.0);
        Path peft = Files.createTempDirectory("scion-soak-");
        try {
            PeftAdapter.write(lora, peft, PeftConfig.of(4, 8, targets, client.baseModel()));
            client.uploadAdapter(name, peft);
        } finally {
            try (var walk = Files.walk(peft)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            client.putRouting(name, i % 2 == 0 ? "{\"stable\": 1}" : "{}");
        }
        System.out.printf(Locale.ROOT, "wrote %d audit events for %s in %.1f s%n", events, name,
                (System.nanoTime() - start) / 1e9);
        return name;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    /** The plain HTTP calls of the soak: one HTTP/1.1 client, keys attached. */
    static final class SoakClient {
        private final URI base;
        private final String apiKey;
        private final String adminKey;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();

        SoakClient(URI base, String apiKey, String adminKey) {
            this.base = base;
            this.apiKey = apiKey;
            this.adminKey = adminKey;
        }

        HttpResponse<String> send(String method, String path, String contentType, byte[] body, boolean admin)
                throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(120));
            String key = admin ? adminKey : apiKey;
            if (key != null) {
                b.header("Authorization", "Bearer " + key);
            }
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        int chat(String text) throws IOException, InterruptedException {
            String body = "{\"model\": \"" + baseModel() + "\", \"max_tokens\": 8, \"messages\": [{\"role\": \"user\", "
                    + "\"content\": \"" + text + "\"}]}";
            return send("POST", "/v1/chat/completions", "application/json", body.getBytes(StandardCharsets.UTF_8),
                    false).statusCode();
        }

        private String baseModelId;

        String baseModel() throws IOException, InterruptedException {
            if (baseModelId == null) {
                String models = send("GET", "/v1/models", null, null, false).body();
                Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(models);
                if (!m.find()) {
                    throw new IOException("GET /v1/models named no model: " + models);
                }
                baseModelId = m.group(1);
            }
            return baseModelId;
        }

        long rss() throws IOException, InterruptedException {
            String metrics = send("GET", "/metrics", null, null, false).body();
            Matcher m = RSS.matcher(metrics);
            if (!m.find()) {
                throw new IOException("/metrics has no scion_process_resident_memory_bytes");
            }
            return (long) Double.parseDouble(m.group(1));
        }

        void uploadAdapter(String name, Path peft) throws IOException, InterruptedException {
            String boundary = "soak" + Long.toHexString(System.nanoTime());
            ByteArrayOutputStream form = new ByteArrayOutputStream();
            part(form, boundary, "name", null, name.getBytes(StandardCharsets.UTF_8));
            for (String file : List.of("adapter_config.json", "adapter_model.safetensors")) {
                part(form, boundary, file, file, Files.readAllBytes(peft.resolve(file)));
            }
            form.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            HttpResponse<String> r = send("POST", "/v1/adapters", "multipart/form-data; boundary=" + boundary,
                    form.toByteArray(), true);
            if (r.statusCode() != 200 && r.statusCode() != 201) {
                throw new IOException("uploading the soak's adapter: " + r.statusCode() + " " + r.body());
            }
        }

        private static void part(ByteArrayOutputStream form, String boundary, String field, String filename,
                byte[] data) throws IOException {
            String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\""
                    + (filename == null ? "" : "; filename=\"" + filename + "\"") + "\r\n"
                    + (filename == null ? "" : "Content-Type: application/octet-stream\r\n") + "\r\n";
            form.write(head.getBytes(StandardCharsets.US_ASCII));
            form.write(data);
            form.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }

        void putRouting(String name, String body) throws IOException, InterruptedException {
            HttpResponse<String> r = send("PUT", "/v1/adapters/" + name + "/routing", "application/json",
                    body.getBytes(StandardCharsets.UTF_8), true);
            if (r.statusCode() != 200) {
                throw new IOException("PUT routing: " + r.statusCode() + " " + r.body());
            }
        }
    }
}
