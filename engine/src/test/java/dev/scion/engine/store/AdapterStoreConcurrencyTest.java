package dev.scion.engine.store;

import static dev.scion.engine.store.StoreFixtures.FINGERPRINT;
import static dev.scion.engine.store.StoreFixtures.peftFolder;
import static dev.scion.engine.store.StoreFixtures.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publishes racing each other get distinct consecutive versions, each holding the files it published. */
class AdapterStoreConcurrencyTest {

    @TempDir
    Path tmp;

    @Test
    void eightThreadsGetDistinctConsecutiveVersions() throws Exception {
        AdapterStore store = AdapterStore.open(tmp.resolve("adapters"), FINGERPRINT);
        assertConsecutive(store, race(i -> store, 8));
    }

    @Test
    void twoStoresOnOneFolderShareTheNumbering() throws Exception {
        AdapterStore first = AdapterStore.open(tmp.resolve("adapters"), FINGERPRINT);
        AdapterStore second = AdapterStore.open(tmp.resolve("adapters"), FINGERPRINT);
        List<AdapterManifest> published = race(i -> i % 2 == 0 ? first : second, 8);
        assertConsecutive(first, published);
        assertEquals(first.versions("bot"), second.versions("bot"));
    }

    private interface StoreFor {
        AdapterStore store(int thread);
    }

    /** Every thread publishes its own seeded adapter at the same moment; returns the manifests by thread. */
    private List<AdapterManifest> race(StoreFor storeFor, int threads) throws Exception {
        List<Path> folders = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            folders.add(peftFolder(tmp.resolve("src" + i), 100 + i));
        }
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<AdapterManifest>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int thread = i;
                Callable<AdapterManifest> task = () -> {
                    start.await(10, TimeUnit.SECONDS);
                    return publish(storeFor.store(thread), "bot", folders.get(thread));
                };
                futures.add(pool.submit(task));
            }
            List<AdapterManifest> manifests = new ArrayList<>();
            for (Future<AdapterManifest> f : futures) {
                manifests.add(f.get(60, TimeUnit.SECONDS));
            }
            for (int i = 0; i < threads; i++) {
                assertEquals(StoreFixtures.sha256(folders.get(i).resolve("adapter_model.safetensors")),
                        manifests.get(i).sha256().get("adapter_model.safetensors"), "thread " + i + "'s own files");
            }
            return manifests;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertConsecutive(AdapterStore store, List<AdapterManifest> published) throws IOException {
        List<Integer> versions = published.stream().map(AdapterManifest::version).sorted().toList();
        assertEquals(IntStream.rangeClosed(1, published.size()).boxed().toList(), versions);
        for (AdapterManifest m : published) {
            assertEquals(m, store.resolve("bot", m.version()));
            Path weights = store.folder("bot", m.version()).resolve("adapter_model.safetensors");
            assertEquals(m.sha256().get("adapter_model.safetensors"), StoreFixtures.sha256(weights));
        }
        assertEquals(published.size(), store.versions("bot").size());
        try (Stream<Path> entries = Files.list(store.root())) {
            assertEquals(List.of(".lock", "bot"), entries.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temp folder is left");
        }
    }
}
