package dev.scion.server.adapters.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.scion.engine.runtime.DeviceAdapter;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapters on the serving device, loaded lazily and kept hot in a Caffeine cache weighed by their
 * device bytes (Caffeine's W-TinyLFU policy: recency and frequency, so a one-off adapter does not
 * push out a busy one). A {@link Lease} keeps its adapter alive: an adapter that leaves the cache
 * (size eviction, {@link #invalidate}, {@link #close}) is freed only when its last lease closes,
 * and an acquire after that loads a fresh copy.
 *
 * <p><b>Memory bound.</b> At most {@code concurrentLoads} loads run at once, and each inserts its
 * adapter and evicts down to the budget before it ends. So at every instant
 * <pre>
 *   residentBytes() &lt;= max(maxBytes, P) + L + R
 * </pre>
 * where P is the bytes of pinned adapters in the cache (they count against the budget, and are
 * never evicted even when they alone exceed it), L the bytes of the adapters being loaded (at
 * most {@code concurrentLoads} times the largest adapter), and R the bytes of adapters that are
 * out of the cache but still leased.
 *
 * <p><b>Threads.</b> Every method is thread-safe. {@link #acquire} runs the loader on the calling
 * thread when the adapter is cold, and concurrent acquirers of one cold key share a single load
 * (and its failure). {@link #acquireAsync} never blocks: it answers a hit at once, joins a load in
 * flight without taking a thread, and otherwise starts the load on the given executor, so neither
 * an event loop nor a request's worker thread ever waits for a loader. {@link #pin}, {@link #unpin}
 * and {@link #invalidate} never wait for a load but may free adapters, so they too belong on a
 * worker. (Caffeine may also run a pending eviction on a reading thread; freeing an adapter is a
 * native release of its arrays, quick enough for any thread.)
 */
public final class AdapterCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdapterCache.class);

    private final long maxBytes;
    private final Function<AdapterKey, DeviceAdapter> loader;
    private final CacheListener listener;
    private final Cache<AdapterKey, CachedAdapter> cache;
    private final Policy.Eviction<AdapterKey, CachedAdapter> eviction;
    private final Set<AdapterKey> pinned = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<AdapterKey, PendingLoad> pending = new ConcurrentHashMap<>();
    /** One held for the whole of each load: the bound on loads running at once. */
    private final Semaphore loadPermits;
    /** Held while the cache's contents or weights change: insert, pin, unpin, invalidate, close. */
    private final ReentrantLock structureLock = new ReentrantLock();
    private final AtomicLong residentBytes = new AtomicLong();
    private volatile boolean closed;

    /**
     * Loads run one at a time.
     *
     * @param maxBytes device bytes the cached adapters may take (leased ones that left the cache aside)
     * @param loader turns a key into a device adapter; it may throw, and what it returns belongs to the cache
     * @param listener metrics; {@link CacheListener#NONE} for none
     */
    public AdapterCache(long maxBytes, Function<AdapterKey, DeviceAdapter> loader, CacheListener listener) {
        this(maxBytes, 1, loader, listener);
    }

    /** @param concurrentLoads loads that may run at once, whichever threads run them */
    public AdapterCache(long maxBytes, int concurrentLoads, Function<AdapterKey, DeviceAdapter> loader,
            CacheListener listener) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("adapter cache size must not be negative, got " + maxBytes);
        }
        if (concurrentLoads < 1) {
            throw new IllegalArgumentException("concurrent adapter loads must be 1 or more, got " + concurrentLoads);
        }
        this.loadPermits = new Semaphore(concurrentLoads);
        this.maxBytes = maxBytes;
        this.loader = Objects.requireNonNull(loader, "loader");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                // pinned adapters weigh nothing to Caffeine (it never evicts zero weights); the budget
                // left to the others shrinks by their bytes instead, see rebalance()
                .weigher((AdapterKey key, CachedAdapter entry) -> pinned.contains(key) ? 0 : (int) entry.bytes())
                // maintenance and removal notices on the calling thread: an eviction has freed its
                // adapter before the insert that caused it returns, which the memory bound relies on
                .executor(Runnable::run)
                .removalListener(this::removed)
                .build();
        this.eviction = cache.policy().eviction().orElseThrow();
    }

    /** A hold on one cached adapter. Closing it is idempotent; the adapter must not be used after. */
    public interface Lease extends AutoCloseable {
        DeviceAdapter adapter();

        AdapterKey key();

        @Override
        void close();
    }

    /** Returns a lease on the key's adapter, loading it on this thread if it is cold. */
    public Lease acquire(AdapterKey key) {
        Objects.requireNonNull(key, "key");
        ensureOpen();
        Lease hit = tryHit(key);
        return hit != null ? hit : new CacheLease(awaitLoad(key));
    }

    /**
     * Like {@link #acquire}, but never blocks: a hit completes at once on the calling thread, a cold
     * adapter already loading is joined, and any other is loaded on {@code executor}. When the
     * executor refuses the load (a bounded queue that is full), the load fails at once for everyone
     * waiting on it with a {@link LoadRefusedException}, and nothing is remembered: the next acquire
     * tries again. A lease that arrives after the returned future was cancelled is closed, so
     * cancelling never leaks one.
     */
    public CompletableFuture<Lease> acquireAsync(AdapterKey key, Executor executor) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(executor, "executor");
        CompletableFuture<Lease> result = new CompletableFuture<>();
        try {
            ensureOpen();
            Lease hit = tryHit(key);
            if (hit != null) {
                result.complete(hit);
                return result;
            }
            AtomicBoolean owner = new AtomicBoolean();
            PendingLoad load = join(key, owner);
            if (owner.get()) {
                try {
                    executor.execute(() -> runLoad(key, load));
                } catch (RejectedExecutionException e) {
                    finish(key, load, null, new LoadRefusedException(key, e));
                } catch (RuntimeException e) {
                    finish(key, load, null, e); // the load can never run: its waiters must not wait forever
                }
            }
            report(l -> l.miss(key)); // once the load is queued (or refused): what a listener sees has happened
            load.result.whenComplete((entry, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure instanceof LoadRefusedException ? failure
                            : new AdapterLoadException(key, failure));
                    return;
                }
                Lease lease = new CacheLease(entry); // the reference runLoad took for this waiter
                if (!result.complete(lease)) {
                    lease.close();
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e); // a closed cache
        }
        return result;
    }

    /**
     * Keeps the key's adapter in the cache until {@link #unpin}: now if it is cached, else from its
     * next load. Pinned adapters count against the budget but are never evicted for size.
     */
    public void pin(AdapterKey key) {
        Objects.requireNonNull(key, "key");
        structureLock.lock();
        try {
            ensureOpen();
            if (pinned.add(key)) {
                reweigh(key);
            }
        } finally {
            structureLock.unlock();
        }
    }

    public void unpin(AdapterKey key) {
        Objects.requireNonNull(key, "key");
        structureLock.lock();
        try {
            if (pinned.remove(key)) {
                reweigh(key);
            }
        } finally {
            structureLock.unlock();
        }
    }

    /**
     * Drops the key's adapter from the cache and its pin (for example when the version is deleted);
     * running leases keep it until they close. A load in flight for the key still serves the
     * acquirers waiting on it, but its adapter is not cached.
     */
    public void invalidate(AdapterKey key) {
        Objects.requireNonNull(key, "key");
        structureLock.lock();
        try {
            PendingLoad load = pending.get(key);
            if (load != null) {
                load.invalidated = true;
            }
            pinned.remove(key);
            cache.invalidate(key);
            rebalance();
        } finally {
            structureLock.unlock();
        }
    }

    /** Bytes of device adapters not yet freed: cached, leased, or being loaded. */
    public long residentBytes() {
        return residentBytes.get();
    }

    /** Whether the key's adapter is in the cache now (leased copies that left it do not count). */
    public boolean isCached(AdapterKey key) {
        return cache.policy().getIfPresentQuietly(key) != null;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** Empties the cache; leased adapters are freed as their leases close. Later acquires fail. */
    @Override
    public void close() {
        structureLock.lock();
        try {
            closed = true;
            pinned.clear();
            cache.invalidateAll();
            cache.cleanUp();
        } finally {
            structureLock.unlock();
        }
    }

    private Lease tryHit(AdapterKey key) {
        CachedAdapter entry = cache.getIfPresent(key); // records the access for the eviction policy
        if (entry != null && entry.tryRetain()) {
            report(l -> l.hit(key));
            return new CacheLease(entry);
        }
        return null;
    }

    /** Joins the load in flight for the key or starts one here; returns with a reference held for the caller. */
    private CachedAdapter awaitLoad(AdapterKey key) {
        AtomicBoolean owner = new AtomicBoolean();
        PendingLoad load = join(key, owner);
        report(l -> l.miss(key));
        if (owner.get()) {
            runLoad(key, load);
        }
        try {
            return load.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof LoadRefusedException refused) {
                throw refused;
            }
            throw new AdapterLoadException(key, e.getCause());
        }
    }

    /** Counts the caller among the waiters of the key's load in flight, or starts one and makes the caller its owner. */
    private PendingLoad join(AdapterKey key, AtomicBoolean owner) {
        PendingLoad load = pending.compute(key, (k, existing) -> {
            PendingLoad p = existing;
            if (p == null) {
                owner.set(true);
                p = new PendingLoad();
            }
            p.waiters++;
            return p;
        });
        return load;
    }

    private void runLoad(AdapterKey key, PendingLoad load) {
        CachedAdapter entry = null;
        Throwable failure = null;
        loadPermits.acquireUninterruptibly();
        try {
            ensureOpen();
            entry = load(key, load);
        } catch (Throwable t) {
            failure = t;
        } finally {
            loadPermits.release();
        }
        finish(key, load, entry, failure);
    }

    /** Ends a load: hands its adapter, with one reference each, to every waiter, or its failure. */
    private void finish(AdapterKey key, PendingLoad load, CachedAdapter entry, Throwable failure) {
        // Closing the load and counting its waiters is one step: nobody joins after the count.
        int[] waiters = new int[1];
        pending.compute(key, (k, p) -> {
            waiters[0] = p.waiters;
            return null;
        });
        if (failure != null) {
            load.result.completeExceptionally(failure);
            return;
        }
        entry.retainHeld(waiters[0]);
        entry.release(); // the hand-over reference
        load.result.complete(entry);
    }

    /** Called with a load permit held; returns the adapter with the hand-over reference held. */
    private CachedAdapter load(AdapterKey key, PendingLoad load) {
        CachedAdapter cached = cache.policy().getIfPresentQuietly(key);
        if (cached != null && cached.tryRetain()) {
            return cached; // a load that ended just before this one began already brought it
        }
        report(l -> l.loadStarted(key));
        long start = System.nanoTime();
        DeviceAdapter adapter = loader.apply(key);
        if (adapter == null) {
            throw new IllegalStateException("the adapter loader returned nothing for " + key.modelId());
        }
        long bytes = adapter.bytes();
        if (bytes > Integer.MAX_VALUE) {
            adapter.close();
            throw new IllegalArgumentException("adapter " + key.modelId() + " takes " + bytes
                    + " bytes on the device, more than one cached adapter may (2 GiB)");
        }
        residentBytes.addAndGet(bytes);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        report(l -> l.loaded(key, took, bytes));
        CachedAdapter entry = new CachedAdapter(key, adapter, bytes, this::free);
        structureLock.lock();
        try {
            if (closed || load.invalidated) {
                entry.retire(); // serves the waiters of this load, then goes
            } else {
                cache.put(key, entry);
                rebalance();
            }
        } finally {
            structureLock.unlock();
        }
        return entry;
    }

    /** With the structure lock held: makes Caffeine weigh the key's adapter again after its pin changed. */
    private void reweigh(AdapterKey key) {
        cache.asMap().computeIfPresent(key, (k, entry) -> entry); // the same value: no removal notice
        rebalance();
    }

    /** With the structure lock held: gives the unpinned adapters what the pinned ones leave, and evicts. */
    private void rebalance() {
        long pinnedBytes = 0;
        for (AdapterKey key : pinned) {
            CachedAdapter entry = cache.policy().getIfPresentQuietly(key);
            if (entry != null) {
                pinnedBytes += entry.bytes();
            }
        }
        long unpinnedBudget = Math.max(0, maxBytes - pinnedBytes);
        if (eviction.getMaximum() != unpinnedBudget) {
            // only on change: setting it also resets the policy's adaptive window sizing
            eviction.setMaximum(unpinnedBudget);
        }
        cache.cleanUp();
    }

    private void removed(AdapterKey key, CachedAdapter entry, RemovalCause cause) {
        if (entry == null) {
            return;
        }
        if (cause.wasEvicted()) {
            report(l -> l.evicted(key, entry.bytes()));
        }
        entry.retire();
    }

    private void free(CachedAdapter entry) {
        try {
            entry.adapter().close();
        } catch (RuntimeException e) {
            LOG.warn("closing adapter {} failed", entry.key().modelId(), e);
        }
        residentBytes.addAndGet(-entry.bytes());
        report(l -> l.freed(entry.key(), entry.bytes()));
    }

    private void report(Consumer<CacheListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("adapter cache listener failed", e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the adapter cache is closed");
        }
    }

    /** One load in flight; its waiters (the loading thread among them) are counted under the map's lock. */
    private static final class PendingLoad {
        final CompletableFuture<CachedAdapter> result = new CompletableFuture<>();
        int waiters;
        volatile boolean invalidated;
    }

    private static final class CacheLease implements Lease {
        private final CachedAdapter entry;
        private final AtomicBoolean open = new AtomicBoolean(true);

        CacheLease(CachedAdapter entry) {
            this.entry = entry;
        }

        @Override
        public DeviceAdapter adapter() {
            if (!open.get()) {
                throw new IllegalStateException("the lease on adapter " + entry.key().modelId() + " is closed");
            }
            return entry.adapter();
        }

        @Override
        public AdapterKey key() {
            return entry.key();
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                entry.release();
            }
        }
    }
}
