package dev.scion.server.training;

import dev.scion.server.Conditions;
import static dev.scion.server.training.Jobs.admin;
import static dev.scion.server.training.Jobs.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous learning from a watched folder: files count once they are stable, each batch that reaches the
 * trigger becomes exactly one job through the same queue, and its files end in processed/ (or failed/), never
 * lost and never trained twice, also when the server stopped between claiming a batch and making its job.
 */
class WatchFolderTest {
    private static final Duration ROUND = Duration.ofSeconds(180);

    @TempDir
    Path tmp;

    private ScionServer start(Path watch) {
        return TestServers.start(TestServers.config().adapters(tmp.resolve("store")).adminKey(Jobs.ADMIN)
                .watch(watch).watchAdapter("watched").triggerExamples(6).watchInterval(Duration.ofMillis(100))
                .watchCanaryPercent(0));
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static List<JsonNode> jobs(ScionServer server) {
        List<JsonNode> out = new java.util.ArrayList<>();
        body(admin(server).get("/v1/fine_tuning/jobs"), 200).get("data").forEach(out::add);
        return out;
    }

    /** Waits for {@code scans} more complete scans of the folder: what the watcher decides, it has decided then. */
    private static void awaitScans(ScionServer server, int scans) {
        FolderWatcher w = server.serving().jobs().watcher();
        long target = w.scans() + scans;
        awaitTrue(() -> w.scans() >= target, Duration.ofSeconds(30));
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout) {
        Conditions.await("the watched folder's scans", condition, timeout);
    }

    @Test
    void eachBatchThatReachesTheTriggerTrainsOnceAndIsMovedAside() throws IOException {
        Path watch = tmp.resolve("inbox");
        try (ScionServer server = start(watch)) {
            Files.writeString(watch.resolve("a.jsonl"), Jobs.facts(4, "zeta"));
            Files.writeString(watch.resolve(".hidden.jsonl"), Jobs.facts(4, "hidden"));
            Files.writeString(watch.resolve("notes.txt"), "not training data");
            Files.writeString(watch.resolve("bad.jsonl"), "{\"messages\": []}\nnot json\n");
            awaitScans(server, 3);
            assertEquals(List.of(), jobs(server), "4 examples are below the trigger of 6; hidden files do not count");
            assertTrue(names(watch).contains("a.jsonl"));
            assertEquals(List.of("bad.jsonl", "bad.jsonl.reason.txt"), names(watch.resolve("failed")));
            assertTrue(Files.readString(watch.resolve("failed/bad.jsonl.reason.txt")).contains("line 2"));

            // written elsewhere and renamed in, as a writer should: never seen half-written
            Path staged = Files.writeString(watch.resolve(".b.jsonl.part"), Jobs.facts(3, "eta"));
            Files.move(staged, watch.resolve("b.jsonl"));
            awaitTrue(() -> !jobs(server).isEmpty(), Duration.ofSeconds(30));
            List<JsonNode> made = jobs(server);
            assertEquals(1, made.size(), "one job for the batch");
            JsonNode job = made.get(0);
            assertEquals("watch", job.at("/scion/source").asText());
            assertEquals("watched", job.at("/scion/adapter").asText());
            String id = job.get("id").asText();

            Jobs.awaitEnd(server, id, "succeeded", ROUND);
            assertEquals("watched@1", Jobs.job(server, id).get("fine_tuned_model").asText());
            awaitTrue(() -> uncheckedNames(watch.resolve("processed")).size() == 2, Duration.ofSeconds(30));
            assertEquals(List.of("a.jsonl", "b.jsonl"), names(watch.resolve("processed")));
            assertEquals(List.of(), names(watch.resolve("processing")));
            assertEquals(List.of(".hidden.jsonl", "failed", "notes.txt", "processed", "processing"), names(watch));
            String content = admin(server).get("/v1/files/" + job.get("training_file").asText() + "/content")
                    .asString();
            assertEquals(7, content.lines().filter(l -> !l.isBlank()).count(), "both files, every example once");

            awaitScans(server, 3);
            assertEquals(1, jobs(server).size(), "processed files are never trained again");
        }
    }

    @Test
    void aBatchClaimedBeforeACrashGetsItsJobOnTheNextStart() throws IOException {
        Path watch = tmp.resolve("inbox");
        String id = "ftjob-" + "c".repeat(24);
        Path claimed = Files.createDirectories(watch.resolve("processing").resolve(id));
        Files.writeString(claimed.resolve("c.jsonl"), Jobs.facts(6, "theta"));
        try (ScionServer server = start(watch)) {
            awaitTrue(() -> !jobs(server).isEmpty(), Duration.ofSeconds(30)); // the first scan makes the job
            assertEquals(id, jobs(server).get(0).get("id").asText(), "under the id its files were claimed for");
            Jobs.awaitEnd(server, id, "succeeded", ROUND);
            awaitTrue(() -> uncheckedNames(watch.resolve("processed")).equals(List.of("c.jsonl")),
                    Duration.ofSeconds(30));
            assertEquals(List.of(), names(watch.resolve("processing")));
            assertEquals(1, jobs(server).size());
        }
    }

    private static List<String> uncheckedNames(Path folder) {
        try {
            return names(folder);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
