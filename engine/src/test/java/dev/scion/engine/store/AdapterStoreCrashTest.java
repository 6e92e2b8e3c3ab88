package dev.scion.engine.store;

import static dev.scion.engine.store.StoreFixtures.FINGERPRINT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.scion.engine.model.Projection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments: a child JVM publishes, re-routes and deletes in a loop and is killed with
 * {@code destroyForcibly()}; after every kill the reopened store holds only complete versions, no temp
 * folder, never a number twice, and routing that names an existing version.
 */
class AdapterStoreCrashTest {

    private static final int KILLS = 20;
    private static final int MAX_RUN_MILLIS = 300;

    @TempDir
    Path tmp;

    @Test
    void everyKillLeavesAConsistentStore() throws Exception {
        Path root = tmp.resolve("adapters");
        List<String> sources = List.of(
                StoreFixtures.peftFolder(tmp.resolve("small"), 1).toString(),
                StoreFixtures.peftFolder(tmp.resolve("large"), StoreFixtures.BASE, 16, EnumSet.allOf(Projection.class),
                        2).toString());
        SplittableRandom random = new SplittableRandom(20261122);
        Map<String, AdapterManifest> seen = new HashMap<>();
        int highest = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = start(root, kill, sources);
            try {
                awaitFirstPublish(child, tmp.resolve("child-" + kill + ".err"));
                if (child.waitFor(random.nextInt(MAX_RUN_MILLIS), TimeUnit.MILLISECONDS)) {
                    fail("the publishing child exited by itself (" + child.exitValue() + "): "
                            + Files.readString(tmp.resolve("child-" + kill + ".err")));
                }
            } finally {
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the killed child ends");
            }
            highest = checkConsistent(AdapterStore.open(root, FINGERPRINT), root.toRealPath(), seen, highest);
        }
        assertTrue(highest >= KILLS, "the children published (highest bot version " + highest + ")");
    }

    @Test
    void recoveryLeavesTheTempFolderOfALivePublisherInAnotherProcess() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("adapters")).toRealPath();
        Process holder = new ProcessBuilder(javaCommand(HoldTempFolder.class, root.toString()))
                .redirectError(tmp.resolve("holder.err").toFile())
                .start();
        try {
            CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
                try {
                    return new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))
                            .readLine();
                } catch (IOException e) {
                    return "unreadable: " + e;
                }
            });
            String line = firstLine.get(60, TimeUnit.SECONDS);
            if (line == null || !line.startsWith("holding ")) {
                fail("the holder did not start (" + line + "): " + Files.readString(tmp.resolve("holder.err")));
            }
            Path held = Path.of(line.substring("holding ".length()));
            assertTrue(held.getFileName().toString().startsWith(".tmp-"), held.toString());

            AdapterStore store = AdapterStore.open(root, FINGERPRINT);
            assertTrue(Files.isRegularFile(held.resolve("adapter/adapter_config.json")),
                    "a live publisher's temp folder survives another process's recovery");
            assertEquals(1, StoreFixtures.publish(store, "bot", StoreFixtures.peftFolder(tmp.resolve("src"), 1))
                    .version(), "and publishing goes on beside it");
        } finally {
            holder.destroyForcibly();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
        }
        AdapterStore reopened = AdapterStore.open(root, FINGERPRINT);
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(root, ".tmp-*")) {
            assertFalse(temps.iterator().hasNext(), "the dead publisher's temp folder is removed");
        }
        assertEquals(1, reopened.versions("bot").size());
    }

    private Process start(Path root, int run, List<String> sources) throws IOException {
        List<String> arguments = new ArrayList<>(List.of(root.toString(), Integer.toString(run)));
        arguments.addAll(sources);
        return new ProcessBuilder(javaCommand(PublishLoop.class, arguments.toArray(new String[0])))
                .redirectError(tmp.resolve("child-" + run + ".err").toFile())
                .start();
    }

    /** A JVM on this test's class path running {@code main}; small and quick to start. */
    private static List<String> javaCommand(Class<?> main, String... arguments) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(arguments));
        return command;
    }

    /**
     * Waits until the child has gone once through its loop, so that the JVM's start is behind it and the
     * random kill lands inside publishes, routing writes and deletes. Its output is drained until it dies.
     */
    private static void awaitFirstPublish(Process child, Path errors) throws Exception {
        CompletableFuture<String> firstLine = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    firstLine.complete(line);
                }
                firstLine.complete("end of output");
            } catch (IOException e) {
                firstLine.complete("unreadable: " + e);
            }
        }, "publish-loop-output");
        reader.setDaemon(true);
        reader.start();
        String line = firstLine.get(60, TimeUnit.SECONDS);
        if (!line.startsWith("published bot@")) {
            fail("the child did not publish (" + line + "): " + Files.readString(errors));
        }
    }

    /**
     * The store after a kill: every version folder complete and listed (nothing was ignored), checksums
     * right, no temp folder, each version number given to one publish only, routing on a listed version.
     * Returns the highest version of "bot" so far.
     */
    private static int checkConsistent(AdapterStore store, Path root, Map<String, AdapterManifest> seen,
            int highestBefore) throws IOException {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(root, ".tmp-*")) {
            assertFalse(temps.iterator().hasNext(), "a temp folder survived reopening");
        }
        int highest = highestBefore;
        for (AdapterInfo info : store.list()) {
            Path nameDir = root.resolve(info.name());
            List<Integer> listed = info.versions().stream().map(AdapterManifest::version).toList();
            assertEquals(VersionFolders.list(nameDir).keySet().stream().toList(), listed,
                    info.name() + ": a version folder on disk is not a complete version");
            for (AdapterManifest m : info.versions()) {
                for (Map.Entry<String, String> file : m.sha256().entrySet()) {
                    assertEquals(file.getValue(), StoreFixtures.sha256(nameDir.resolve(m.version() + "")
                            .resolve(file.getKey())), m.id() + " " + file.getKey());
                }
                AdapterManifest before = seen.putIfAbsent(m.id(), m);
                if (before != null) {
                    assertEquals(before, m, m.id() + " changed after it was published");
                } else if (info.name().equals("bot")) {
                    assertTrue(m.version() > highestBefore, m.id() + " reuses a number at or below the highest "
                            + highestBefore + " seen before");
                }
            }
            if (info.routing().stable() != null) {
                assertTrue(listed.contains(info.routing().stable()), info.name() + " routes to a missing version "
                        + info.routing().stable() + " of " + listed);
            }
            if (info.name().equals("bot")) {
                highest = Math.max(highest, info.latest());
            }
        }
        return highest;
    }
}
