package dev.scion.server.adapters.cache;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** Counts every cache event per key. */
final class RecordingListener implements CacheListener {
    final Map<AdapterKey, AtomicInteger> hits = new ConcurrentHashMap<>();
    final Map<AdapterKey, AtomicInteger> misses = new ConcurrentHashMap<>();
    final Map<AdapterKey, AtomicInteger> loads = new ConcurrentHashMap<>();
    final Map<AdapterKey, AtomicInteger> evictions = new ConcurrentHashMap<>();
    final Map<AdapterKey, AtomicInteger> frees = new ConcurrentHashMap<>();
    /** The cache's resident bytes, read when a load reports (the loaded adapter is then not yet cached). */
    volatile LongSupplier residentProbe = () -> 0;
    final AtomicLong mostResidentAtLoad = new AtomicLong();

    @Override
    public void hit(AdapterKey key) {
        bump(hits, key);
    }

    @Override
    public void miss(AdapterKey key) {
        bump(misses, key);
    }

    @Override
    public void loaded(AdapterKey key, Duration duration, long bytes) {
        if (duration.isNegative() || bytes <= 0) {
            throw new AssertionError("odd load report for " + key + ": " + duration + ", " + bytes + " bytes");
        }
        bump(loads, key);
        mostResidentAtLoad.accumulateAndGet(residentProbe.getAsLong(), Math::max);
    }

    @Override
    public void evicted(AdapterKey key, long bytes) {
        bump(evictions, key);
    }

    @Override
    public void freed(AdapterKey key, long bytes) {
        bump(frees, key);
    }

    static int count(Map<AdapterKey, AtomicInteger> counts, AdapterKey key) {
        AtomicInteger n = counts.get(key);
        return n == null ? 0 : n.get();
    }

    static int total(Map<AdapterKey, AtomicInteger> counts) {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private static void bump(Map<AdapterKey, AtomicInteger> counts, AdapterKey key) {
        counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }
}
