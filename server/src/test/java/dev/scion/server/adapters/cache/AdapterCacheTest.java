package dev.scion.server.adapters.cache;

import static dev.scion.server.adapters.cache.RecordingListener.count;
import static dev.scion.server.adapters.cache.RecordingListener.total;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.runtime.Transformer;
import dev.scion.server.adapters.TinyRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdapterCacheTest {
    private static Transformer model;
    private static float[] baseLogits;

    private CountingLoader loader;
    private RecordingListener listener;

    @BeforeAll
    static void loadModel() {
        model = TinyRuntime.load();
        baseLogits = TinyRuntime.logits(model, null);
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

    private static AdapterKey key(String name, int version) {
        return new AdapterKey(name, version);
    }

    /** What the key's adapter must produce: a fresh upload of the same values, run once. */
    private float[] expectedLogits(AdapterKey key) {
        try (DeviceAdapter fresh = DeviceAdapter.upload(loader.lora(key), model)) {
            return TinyRuntime.logits(model, fresh);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void concurrentColdAcquirersOfOneKeyShareOneLoad() throws Exception {
        AdapterKey key = key("bot", 1);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (AdapterCache cache = new AdapterCache(1 << 20, loader, listener)) {
            var gate = loader.hold();
            List<Future<AdapterCache.Lease>> leases = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                leases.add(pool.submit(() -> cache.acquire(key)));
            }
            // every acquirer has found the adapter cold and joined the one load before it may finish
            await("16 acquirers waiting on the load", () -> count(listener.misses, key) == 16);
            gate.countDown();
            DeviceAdapter first = leases.get(0).get(30, TimeUnit.SECONDS).adapter();
            for (Future<AdapterCache.Lease> lease : leases) {
                assertSame(first, lease.get(30, TimeUnit.SECONDS).adapter());
            }
            assertEquals(1, loader.calls(key));
            assertEquals(1, count(listener.loads, key));
            assertEquals(first.bytes(), cache.residentBytes());
            assertArrayEquals(expectedLogits(key), TinyRuntime.logits(model, first));
            assertFalse(java.util.Arrays.equals(baseLogits, TinyRuntime.logits(model, first)),
                    "the adapter changes the output");
            for (Future<AdapterCache.Lease> lease : leases) {
                lease.get().close();
            }
            assertTrue(cache.isCached(key), "the adapter stays cached after its leases close");
            assertEquals(0, count(listener.frees, key));
            try (AdapterCache.Lease again = cache.acquire(key)) {
                assertSame(first, again.adapter());
                assertEquals(1, count(listener.hits, key));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, count(listener.frees, key), "closing the cache frees the cached adapter once");
    }

    @Test
    void rotatingWorkloadEvictsAndReloadsWithinTheByteBound() {
        AdapterKey hot = key("hot", 3);
        List<AdapterKey> rotating = List.of(key("r", 3), key("s", 3), key("t", 3), key("u", 3), key("v", 3));
        long each = loader.bytesOf(hot);
        for (AdapterKey k : rotating) {
            assertEquals(each, loader.bytesOf(k), "same rank, same size");
        }
        long max = 3 * each;
        int[] leaseChecks = {0};
        try (AdapterCache cache = new AdapterCache(max, loader, listener)) {
            listener.residentProbe = cache::residentBytes;
            for (int round = 0; round < 40; round++) {
                for (AdapterKey k : List.of(hot, rotating.get(round % rotating.size()))) {
                    try (AdapterCache.Lease lease = cache.acquire(k)) {
                        assertEquals(k, lease.key());
                        assertEquals(k.modelId(), lease.adapter().name());
                        assertTrue(cache.residentBytes() <= max + each, "one adapter over the budget at most");
                        if (round % 8 == 0) {
                            assertArrayEquals(expectedLogits(k), TinyRuntime.logits(model, lease.adapter()));
                            leaseChecks[0]++;
                        }
                    }
                    assertTrue(cache.residentBytes() <= max,
                            "nothing leased: resident " + cache.residentBytes() + " within " + max);
                }
            }
            // while a load runs the full cache and the new adapter are both resident: the bound is met, not passed
            assertEquals(max + each, listener.mostResidentAtLoad.get());
            assertEquals(1, loader.calls(hot), "the busy adapter is never evicted by the rotation");
            assertEquals(39, count(listener.hits, hot));
            int rotatingLoads = rotating.stream().mapToInt(loader::calls).sum();
            assertTrue(rotatingLoads > rotating.size(), "evicted adapters are loaded again: " + rotatingLoads);
            assertEquals(rotatingLoads, total(listener.loads) - 1);
            assertTrue(total(listener.evictions) >= rotatingLoads - 2, "evictions " + total(listener.evictions));
            // every adapter that left the cache unleased was freed at once
            assertEquals(total(listener.evictions), total(listener.frees));
            long cachedBytes = (total(listener.loads) - total(listener.frees)) * each;
            assertEquals(cachedBytes, cache.residentBytes());
        }
        assertEquals(total(listener.loads), total(listener.frees));
        assertTrue(leaseChecks[0] >= 10);
    }

    @Test
    void evictedAdapterStaysUsableWhileLeasedAndIsFreedOnceAfterTheLastLease() {
        int baselineArrays = model.manager().getManagedArrays().size();
        AdapterKey a = key("a", 1);
        long bytesA = loader.bytesOf(a);
        float[] expectedA = expectedLogits(a);
        AdapterCache cache = new AdapterCache(bytesA, loader, listener); // room for about one adapter
        AdapterCache.Lease first = cache.acquire(a);
        AdapterCache.Lease second = cache.acquire(a);
        DeviceAdapter leased = first.adapter();
        assertSame(leased, second.adapter());
        assertTrue(model.manager().getManagedArrays().size() > baselineArrays, "the adapter's arrays are on the device");

        // push A out: other adapters go in until A is evicted
        for (int v = 1; cache.isCached(a); v++) {
            assertTrue(v < 50, "A never left a one-adapter cache");
            cache.acquire(key("b", v)).close();
        }
        assertEquals(1, count(listener.evictions, a));
        assertEquals(0, count(listener.frees, a), "evicted while leased: not freed");
        assertArrayEquals(expectedA, TinyRuntime.logits(model, leased), "the leased adapter still runs");
        long residentNow = cache.residentBytes();
        assertTrue(residentNow <= cache.maxBytes() + bytesA,
                "resident " + residentNow + ": at most the budget plus the leased A");

        first.close();
        first.close(); // idempotent: must not release A's reference twice
        assertEquals(0, count(listener.frees, a));
        assertArrayEquals(expectedA, TinyRuntime.logits(model, second.adapter()));
        assertThrows(IllegalStateException.class, first::adapter);

        second.close();
        assertEquals(1, count(listener.frees, a), "freed exactly once after the last lease");
        assertEquals(residentNow - bytesA, cache.residentBytes());
        second.close();
        assertEquals(1, count(listener.frees, a));

        try (AdapterCache.Lease again = cache.acquire(a)) {
            assertNotSame(leased, again.adapter(), "an acquire after eviction loads a fresh copy");
            assertEquals(2, loader.calls(a));
            assertArrayEquals(expectedA, TinyRuntime.logits(model, again.adapter()));
        }
        cache.close();
        assertEquals(0, cache.residentBytes());
        assertEquals(total(listener.loads), total(listener.frees));
        assertEquals(baselineArrays, model.manager().getManagedArrays().size(), "every adapter's arrays are freed");
        assertThrows(IllegalStateException.class, () -> cache.acquire(a));
    }

    @Test
    void invalidateWhileLeasedDropsTheAdapterButFreesItOnlyAfterTheLease() {
        AdapterKey a = key("deleted", 2);
        float[] expected = expectedLogits(a);
        try (AdapterCache cache = new AdapterCache(1 << 20, loader, listener)) {
            AdapterCache.Lease lease = cache.acquire(a);
            cache.invalidate(a);
            assertFalse(cache.isCached(a));
            assertEquals(0, count(listener.frees, a));
            assertEquals(0, count(listener.evictions, a), "an invalidation is not a size eviction");
            assertArrayEquals(expected, TinyRuntime.logits(model, lease.adapter()));

            try (AdapterCache.Lease fresh = cache.acquire(a)) {
                assertNotSame(lease.adapter(), fresh.adapter());
                assertEquals(2, loader.calls(a));
                assertEquals(2 * fresh.adapter().bytes(), cache.residentBytes(), "old copy leased, new one cached");
                lease.close();
                assertEquals(1, count(listener.frees, a));
                assertEquals(fresh.adapter().bytes(), cache.residentBytes());
                assertArrayEquals(expected, TinyRuntime.logits(model, fresh.adapter()));
            }
            cache.invalidate(a);
            assertEquals(2, count(listener.frees, a));
            assertEquals(0, cache.residentBytes());
        }
    }

    @Test
    void pinnedAdapterIsNeverEvictedAndCountsAgainstTheBudget() {
        AdapterKey pinned = key("vip", 3);
        long each = loader.bytesOf(pinned);
        long max = 3 * each;
        try (AdapterCache cache = new AdapterCache(max, loader, listener)) {
            cache.pin(pinned); // before its first load: pinned from the moment it arrives
            cache.acquire(pinned).close();
            for (int v = 1; v <= 30; v++) {
                cache.acquire(key("other", v * 3)).close(); // rank 2 + 0: all the same size
                assertTrue(cache.isCached(pinned), "pinned adapter evicted at step " + v);
                assertTrue(cache.residentBytes() <= max, "resident " + cache.residentBytes());
            }
            assertEquals(1, loader.calls(pinned));
            assertEquals(0, count(listener.evictions, pinned));

            cache.unpin(pinned);
            // a new working set that fills the whole budget, used far more often than the unpinned one
            List<AdapterKey> workingSet = List.of(key("next", 3), key("next", 6), key("next", 9));
            for (int round = 0; round < 50 && cache.isCached(pinned); round++) {
                for (AdapterKey k : workingSet) {
                    cache.acquire(k).close();
                }
            }
            assertFalse(cache.isCached(pinned), "unpinned, it can be evicted again");
            assertEquals(1, count(listener.evictions, pinned));
        }
    }

    @Test
    void pinnedAdaptersBeyondTheBudgetStayAndCrowdOutTheRest() {
        AdapterKey pinned = key("big", 1);
        long each = loader.bytesOf(pinned);
        try (AdapterCache cache = new AdapterCache(each / 2, loader, listener)) {
            cache.acquire(pinned).close();
            assertFalse(cache.isCached(pinned), "larger than the whole budget: not kept unpinned");
            cache.pin(pinned);
            cache.acquire(pinned).close();
            assertTrue(cache.isCached(pinned));
            try (AdapterCache.Lease other = cache.acquire(key("small", 1))) {
                assertFalse(cache.isCached(other.key()), "no budget left beside the pinned adapter");
                assertEquals(loader.bytesOf(pinned) + other.adapter().bytes(), cache.residentBytes());
            }
            assertEquals(each, cache.residentBytes());
            cache.invalidate(pinned); // drops the pin too
            cache.acquire(pinned).close();
            assertFalse(cache.isCached(pinned));
            assertEquals(0, cache.residentBytes());
        }
    }

    @Test
    void loaderFailureReachesEveryWaiterAndIsNotCached() throws Exception {
        AdapterKey key = key("flaky", 1);
        loader.failNext(key, new UncheckedIOException(new IOException("adapter_model.safetensors: disk gone")));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (AdapterCache cache = new AdapterCache(1 << 20, loader, listener)) {
            var gate = loader.hold();
            List<Future<AdapterCache.Lease>> attempts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                attempts.add(pool.submit(() -> cache.acquire(key)));
            }
            await("8 acquirers waiting on the failing load", () -> count(listener.misses, key) == 8);
            gate.countDown();
            for (Future<AdapterCache.Lease> attempt : attempts) {
                var thrown = assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> attempt.get(30, TimeUnit.SECONDS));
                AdapterLoadException failure = (AdapterLoadException) thrown.getCause();
                assertEquals(key, failure.key());
                assertTrue(failure.getMessage().contains("flaky@1") && failure.getMessage().contains("disk gone"),
                        failure.getMessage());
                assertTrue(failure.getCause() instanceof UncheckedIOException);
            }
            assertEquals(1, loader.calls(key), "one load, one failure shared by all");
            assertFalse(cache.isCached(key));
            assertEquals(0, cache.residentBytes());
            try (AdapterCache.Lease lease = cache.acquire(key)) {
                assertEquals(2, loader.calls(key), "the failure was not cached: the next acquire loads again");
                assertArrayEquals(expectedLogits(key), TinyRuntime.logits(model, lease.adapter()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void acquireAsyncLoadsOnTheExecutorAndAnswersHitsAtOnce() throws Exception {
        AdapterKey key = key("async", 1);
        ExecutorService workers = Executors.newSingleThreadExecutor(r -> new Thread(r, "adapter-worker"));
        try (AdapterCache cache = new AdapterCache(1 << 20, loader, listener)) {
            try (AdapterCache.Lease lease = cache.acquireAsync(key, workers).get(30, TimeUnit.SECONDS)) {
                assertEquals("adapter-worker", loader.lastThread(key));
                assertEquals(key, lease.key());
            }
            var hit = cache.acquireAsync(key, task -> {
                throw new AssertionError("a hit must not need the executor");
            });
            assertTrue(hit.isDone());
            hit.join().close();

            // a lease that arrives after its future was cancelled is closed, not leaked
            AdapterKey other = key("async", 2);
            List<Runnable> queued = new ArrayList<>();
            var cancelled = cache.acquireAsync(other, queued::add);
            cancelled.cancel(false);
            queued.forEach(Runnable::run);
            assertEquals(1, loader.calls(other));
            cache.invalidate(other);
            assertEquals(1, count(listener.frees, other), "no lease left holding the cancelled acquire's adapter");

            var refused = cache.acquireAsync(key("async", 3), task -> {
                throw new java.util.concurrent.RejectedExecutionException("worker pool full");
            });
            assertTrue(refused.isCompletedExceptionally());
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void keysAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new AdapterKey("a@b", 1));
        assertThrows(IllegalArgumentException.class, () -> new AdapterKey(" ", 1));
        var zero = assertThrows(IllegalArgumentException.class, () -> new AdapterKey("bot", 0));
        assertTrue(zero.getMessage().contains("bot"), zero.getMessage());
        assertEquals("bot@7", new AdapterKey("bot", 7).modelId());
        assertThrows(IllegalArgumentException.class, () -> new AdapterCache(-1, loader, listener));
    }
}
