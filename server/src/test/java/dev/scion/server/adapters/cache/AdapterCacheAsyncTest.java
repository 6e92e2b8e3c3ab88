package dev.scion.server.adapters.cache;

import static dev.scion.server.adapters.cache.RecordingListener.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.runtime.Transformer;
import dev.scion.server.Conditions;
import dev.scion.server.adapters.TinyRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** acquireAsync on the adapter load executor: joined loads take no thread, a full queue refuses, loads are bounded. */
class AdapterCacheAsyncTest {
    private static Transformer model;

    private CountingLoader loader;
    private RecordingListener listener;

    @BeforeAll
    static void loadModel() {
        model = TinyRuntime.load();
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @BeforeEach
    void freshLoader() {
        loader = new CountingLoader(model);
        listener = new RecordingListener();
    }

    private static void await(String what, BooleanSupplier condition) {
        Conditions.await(what, condition, Duration.ofSeconds(30));
    }

    @Test
    void asyncAcquirersOfOneColdKeyJoinOneLoadAndTakeOneTask() throws Exception {
        AdapterKey key = new AdapterKey("slow", 1);
        AtomicInteger tasks = new AtomicInteger();
        ExecutorService one = Executors.newSingleThreadExecutor();
        try (AdapterCache cache = new AdapterCache(1 << 20, loader, listener)) {
            var gate = loader.hold();
            List<CompletableFuture<AdapterCache.Lease>> leases = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                leases.add(cache.acquireAsync(key, task -> {
                    tasks.incrementAndGet();
                    one.execute(task);
                }));
            }
            await("the load to start", () -> loader.calls(key) == 1);
            assertEquals(1, tasks.get(), "24 acquirers of one cold adapter, one task: the others joined its load");
            assertTrue(leases.stream().noneMatch(CompletableFuture::isDone), "all wait for the load");
            gate.countDown();
            for (var lease : leases) {
                try (AdapterCache.Lease l = lease.get(30, TimeUnit.SECONDS)) {
                    assertEquals(key, l.key());
                }
            }
            assertEquals(1, loader.calls(key));
            assertEquals(24, count(listener.misses, key));
            cache.invalidate(key);
            assertEquals(1, count(listener.frees, key), "every waiter's reference was released with its lease");
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void aRefusedLoadFailsItsWaitersAsRefusedAndIsForgotten() throws Exception {
        AdapterKey key = new AdapterKey("busy", 1);
        try (AdapterCache cache = new AdapterCache(1 << 20, loader, listener)) {
            var refused = cache.acquireAsync(key, task -> {
                throw new java.util.concurrent.RejectedExecutionException("queue full");
            });
            var e = assertThrows(ExecutionException.class, () -> refused.get(30, TimeUnit.SECONDS));
            LoadRefusedException cause = assertInstanceOf(LoadRefusedException.class, e.getCause());
            assertEquals(key, cause.key());
            assertEquals(0, loader.calls(key), "the loader never ran");
            assertFalse(cache.isCached(key));
            ExecutorService one = Executors.newSingleThreadExecutor();
            try (AdapterCache.Lease lease = cache.acquireAsync(key, one).get(30, TimeUnit.SECONDS)) {
                assertSame(key, lease.key(), "the refusal was not remembered: the next acquire loads");
            } finally {
                one.shutdownNow();
            }
        }
    }

    @Test
    void loadsRunAtMostConcurrentLoadsAtOnce() throws Exception {
        ExecutorService four = Executors.newFixedThreadPool(4);
        try (AdapterCache cache = new AdapterCache(1 << 20, 2, loader, listener)) {
            var gate = loader.hold();
            List<CompletableFuture<AdapterCache.Lease>> leases = new ArrayList<>();
            for (int v = 1; v <= 4; v++) {
                leases.add(cache.acquireAsync(new AdapterKey("many", v), four));
            }
            await("two loads running", () -> loader.totalCalls() == 2);
            gate.countDown();
            for (var lease : leases) {
                lease.get(30, TimeUnit.SECONDS).close();
            }
            assertEquals(4, loader.totalCalls());
            assertEquals(2, loader.maxRunning(), "two permits: two loads side by side, never more");
        } finally {
            four.shutdownNow();
        }
    }
}
