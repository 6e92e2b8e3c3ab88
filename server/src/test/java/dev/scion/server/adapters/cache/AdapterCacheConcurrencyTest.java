package dev.scion.server.adapters.cache;

import static dev.scion.server.adapters.cache.RecordingListener.count;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.runtime.Transformer;
import dev.scion.server.adapters.TinyRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;

/**
 * Eight threads acquire, release, invalidate, pin and unpin at random (fixed seeds) on a cache far
 * smaller than the adapters in play. Workers run their operations under a shared lock; a checker
 * takes it exclusively now and then, so it sees the cache between operations and can hold it to
 * exact accounts: every adapter copy alive is cached or leased, resident bytes are their sum, and
 * they never exceed the budget plus the copies leases keep out of the cache.
 */
class AdapterCacheConcurrencyTest {
    private static final int THREADS = 8;
    private static final int OPERATIONS_PER_THREAD = 400;
    private static final long SEED = 20261122L;

    @Test
    void randomizedWorkloadKeepsTheAccountsAndTheBound() throws Exception {
        try (Transformer model = TinyRuntime.load()) {
            int baselineArrays = model.manager().getManagedArrays().size();
            CountingLoader loader = new CountingLoader(model);
            RecordingListener listener = new RecordingListener();
            List<AdapterKey> keys = new ArrayList<>();
            for (String name : List.of("alpha", "beta", "gamma", "delta")) {
                for (int version = 1; version <= 3; version++) {
                    keys.add(new AdapterKey(name, version));
                }
            }
            Map<AdapterKey, Long> bytes = new HashMap<>();
            Map<AdapterKey, float[]> expected = new HashMap<>();
            for (AdapterKey key : keys) {
                bytes.put(key, loader.bytesOf(key));
                try (DeviceAdapter fresh = DeviceAdapter.upload(loader.lora(key), model)) {
                    expected.put(key, TinyRuntime.logits(model, fresh));
                }
            }
            long largest = bytes.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            long maxBytes = 3 * largest; // 12 adapters, room for 3 or 4 of them
            AdapterKey pinnable = keys.get(0);

            // every lease the workers hold, by adapter copy; changed only under the shared lock
            Map<DeviceAdapter, AtomicInteger> held = new ConcurrentHashMap<>();
            ReentrantReadWriteLock quiescence = new ReentrantReadWriteLock();
            AtomicInteger checks = new AtomicInteger();
            AtomicInteger forwardChecks = new AtomicInteger();
            ExecutorService workers = Executors.newFixedThreadPool(THREADS);
            ExecutorService loadPool = Executors.newFixedThreadPool(3);
            CountDownLatch done = new CountDownLatch(THREADS);
            try (AdapterCache cache = new AdapterCache(maxBytes, loader, listener)) {
                List<Future<?>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    SplittableRandom random = new SplittableRandom(SEED + t);
                    boolean pinner = t == 0;
                    results.add(workers.submit(() -> {
                        try {
                            runWorker(cache, keys, pinnable, pinner, random, held, quiescence, loadPool);
                        } finally {
                            done.countDown();
                        }
                        return null;
                    }));
                }
                while (done.getCount() > 0 || checks.get() < 50) {
                    quiescence.writeLock().lock();
                    try {
                        checkAccounts(cache, keys, bytes, held, listener, maxBytes);
                        if (checks.incrementAndGet() % 5 == 0 && !held.isEmpty()) {
                            DeviceAdapter some = held.keySet().iterator().next();
                            AdapterKey key = keyOf(keys, some);
                            assertArrayEquals(expected.get(key), TinyRuntime.logits(model, some),
                                    "a leased copy of " + key + " still computes its own output");
                            forwardChecks.incrementAndGet();
                        }
                    } finally {
                        quiescence.writeLock().unlock();
                    }
                    Thread.yield();
                }
                for (Future<?> result : results) {
                    result.get(5, TimeUnit.MINUTES); // rethrows a worker's assertion failure
                }
                assertTrue(held.isEmpty(), "workers close their leases at the end");
                checkAccounts(cache, keys, bytes, held, listener, maxBytes);
                assertTrue(cache.residentBytes() <= Math.max(maxBytes, bytes.get(pinnable)));
            } finally {
                workers.shutdownNow();
                loadPool.shutdownNow();
            }
            assertEquals(1, loader.maxRunning(), "loads run one at a time");
            int loads = RecordingListener.total(listener.loads);
            assertEquals(loader.totalCalls(), loads);
            assertTrue(loads > keys.size(), "the small cache made adapters reload: " + loads);
            assertTrue(RecordingListener.total(listener.evictions) > 0);
            assertTrue(RecordingListener.total(listener.hits) > 0);
            for (AdapterKey key : keys) {
                assertEquals(count(listener.loads, key), count(listener.frees, key),
                        "every copy of " + key + " freed exactly once");
            }
            assertTrue(forwardChecks.get() > 0, "no leased adapter was run");
            assertEquals(baselineArrays, model.manager().getManagedArrays().size(), "no adapter arrays leaked");
        }
    }

    private static void runWorker(AdapterCache cache, List<AdapterKey> keys, AdapterKey pinnable, boolean pinner,
            SplittableRandom random, Map<DeviceAdapter, AtomicInteger> held, ReentrantReadWriteLock quiescence,
            ExecutorService loadPool) throws Exception {
        List<AdapterCache.Lease> mine = new ArrayList<>();
        for (int op = 0; op < OPERATIONS_PER_THREAD; op++) {
            double roll = random.nextDouble();
            // skewed popularity: low indexes are asked for far more often
            AdapterKey key = keys.get((int) (keys.size() * Math.pow(random.nextDouble(), 2)));
            quiescence.readLock().lock();
            try {
                if (roll < 0.45 && mine.size() < 3) {
                    AdapterCache.Lease lease = random.nextInt(4) == 0
                            ? cache.acquireAsync(key, loadPool).get(1, TimeUnit.MINUTES)
                            : cache.acquire(key);
                    assertEquals(key, lease.key());
                    assertEquals(key.modelId(), lease.adapter().name(), "the lease holds the adapter asked for");
                    // one atomic step: a release of another lease on this copy must not remove the count between
                    // finding it and raising it
                    held.compute(lease.adapter(), (a, n) -> {
                        AtomicInteger count = n == null ? new AtomicInteger() : n;
                        count.incrementAndGet();
                        return count;
                    });
                    mine.add(lease);
                } else if (roll < 0.90 && !mine.isEmpty()) {
                    release(mine.remove(random.nextInt(mine.size())), held);
                } else if (roll < 0.95) {
                    cache.invalidate(key);
                } else if (pinner) {
                    if (random.nextBoolean()) {
                        cache.pin(pinnable);
                    } else {
                        cache.unpin(pinnable);
                    }
                }
            } finally {
                quiescence.readLock().unlock();
            }
        }
        quiescence.readLock().lock();
        try {
            for (AdapterCache.Lease lease : mine) {
                release(lease, held);
            }
        } finally {
            quiescence.readLock().unlock();
        }
    }

    private static void release(AdapterCache.Lease lease, Map<DeviceAdapter, AtomicInteger> held) {
        DeviceAdapter adapter = lease.adapter();
        lease.close();
        held.compute(adapter, (a, n) -> n.decrementAndGet() == 0 ? null : n);
    }

    /** Between operations: alive copies are exactly the cached ones plus the leased ones. */
    private static void checkAccounts(AdapterCache cache, List<AdapterKey> keys, Map<AdapterKey, Long> bytes,
            Map<DeviceAdapter, AtomicInteger> held, RecordingListener listener, long maxBytes) {
        Map<AdapterKey, Integer> heldCopies = new HashMap<>();
        Map<DeviceAdapter, Boolean> distinct = new IdentityHashMap<>();
        for (DeviceAdapter adapter : held.keySet()) {
            if (distinct.put(adapter, Boolean.TRUE) == null) {
                heldCopies.merge(keyOf(keys, adapter), 1, Integer::sum);
            }
        }
        long aliveBytes = 0;
        long heldBytes = 0;
        for (AdapterKey key : keys) {
            int alive = count(listener.loads, key) - count(listener.frees, key);
            int leased = heldCopies.getOrDefault(key, 0);
            boolean cached = cache.isCached(key);
            if (cached) {
                assertTrue(alive == leased || alive == leased + 1,
                        key + ": " + alive + " copies alive, " + leased + " leased, one cached");
                assertTrue(alive >= 1, key + " is cached but no copy is alive");
            } else {
                assertEquals(leased, alive, key + ": not cached, so only leased copies may be alive");
            }
            aliveBytes += alive * bytes.get(key);
            heldBytes += leased * bytes.get(key);
        }
        assertEquals(aliveBytes, cache.residentBytes(), "resident bytes are the alive copies' bytes");
        // no load runs between operations: the budget (pinned adapters are smaller than it) plus leased copies
        assertTrue(cache.residentBytes() <= maxBytes + heldBytes,
                "resident " + cache.residentBytes() + " > budget " + maxBytes + " + leased " + heldBytes);
    }

    private static AdapterKey keyOf(List<AdapterKey> keys, DeviceAdapter adapter) {
        for (AdapterKey key : keys) {
            if (key.modelId().equals(adapter.name())) {
                return key;
            }
        }
        throw new AssertionError("an adapter no key stands for: " + adapter.name());
    }
}
