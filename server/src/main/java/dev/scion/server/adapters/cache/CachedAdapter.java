package dev.scion.server.adapters.cache;

import dev.scion.engine.runtime.DeviceAdapter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A device adapter with a reference count: one reference for the cache while the adapter is in it,
 * one per open lease, one while a load hands it to its waiters. The count reaching zero frees it,
 * exactly once; zero is final, so a freed adapter can never be leased again.
 */
final class CachedAdapter {
    private final AdapterKey key;
    private final DeviceAdapter adapter;
    private final long bytes;
    private final Consumer<CachedAdapter> onFree;
    private final AtomicInteger references;
    private final AtomicBoolean retired = new AtomicBoolean();

    /** Starts with two references: the cache's and the loading hand-over's. */
    CachedAdapter(AdapterKey key, DeviceAdapter adapter, long bytes, Consumer<CachedAdapter> onFree) {
        this.key = key;
        this.adapter = adapter;
        this.bytes = bytes;
        this.onFree = onFree;
        this.references = new AtomicInteger(2);
    }

    AdapterKey key() {
        return key;
    }

    DeviceAdapter adapter() {
        return adapter;
    }

    long bytes() {
        return bytes;
    }

    /**
     * Takes a reference unless the adapter has left the cache: an acquirer that finds a retired
     * adapter loads a fresh copy instead of extending the life of one that is on its way out.
     */
    boolean tryRetain() {
        if (retired.get()) {
            return false;
        }
        while (true) {
            int n = references.get();
            if (n == 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Adds references for waiters while the caller already holds one, so the count cannot be zero. */
    void retainHeld(int count) {
        int before = references.getAndAdd(count);
        if (before <= 0) {
            throw new IllegalStateException("adapter " + key + " was freed while a reference was held");
        }
    }

    /** The cache lets go of it (evicted, invalidated, replaced or closed); idempotent. */
    void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    void release() {
        int after = references.decrementAndGet();
        if (after == 0) {
            onFree.accept(this);
        } else if (after < 0) {
            throw new IllegalStateException("adapter " + key + " released more often than retained");
        }
    }
}
