package dev.scion.server.adapters.cache;

import java.time.Duration;

/**
 * What the adapter cache reports, for metrics. Called on the thread that caused the event (an
 * acquirer, a loader, or whichever thread ran the eviction); implementations must be quick and
 * thread-safe. An exception thrown here is logged and otherwise ignored.
 */
public interface CacheListener {
    /** Reports nothing. */
    CacheListener NONE = new CacheListener() {};

    /** This listener's events, then {@code next}'s. */
    default CacheListener andThen(CacheListener next) {
        CacheListener first = this;
        return new CacheListener() {
            @Override
            public void hit(AdapterKey key) {
                first.hit(key);
                next.hit(key);
            }

            @Override
            public void miss(AdapterKey key) {
                first.miss(key);
                next.miss(key);
            }

            @Override
            public void loadStarted(AdapterKey key) {
                first.loadStarted(key);
                next.loadStarted(key);
            }

            @Override
            public void loaded(AdapterKey key, Duration duration, long bytes) {
                first.loaded(key, duration, bytes);
                next.loaded(key, duration, bytes);
            }

            @Override
            public void evicted(AdapterKey key, long bytes) {
                first.evicted(key, bytes);
                next.evicted(key, bytes);
            }

            @Override
            public void freed(AdapterKey key, long bytes) {
                first.freed(key, bytes);
                next.freed(key, bytes);
            }
        };
    }

    /** An acquire was served by an adapter already in the cache. */
    default void hit(AdapterKey key) {}

    /** An acquire had to wait for a load (its own or a concurrent one for the same key). */
    default void miss(AdapterKey key) {}

    /** A load starts on this thread: the loader is about to run (called with one of the load permits held). */
    default void loadStarted(AdapterKey key) {}

    /** The loader produced an adapter of {@code bytes} in {@code duration}. */
    default void loaded(AdapterKey key, Duration duration, long bytes) {}

    /** The size bound pushed an adapter out of the cache; leases on it keep it alive until they close. */
    default void evicted(AdapterKey key, long bytes) {}

    /** An adapter's device memory was released: out of the cache and its last lease closed. */
    default void freed(AdapterKey key, long bytes) {}
}
