package dev.scion.server.adapters.cache;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.runtime.Transformer;
import dev.scion.server.adapters.TinyRuntime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** The real loading step (a DeviceAdapter.upload of the key's adapter), counting its calls per key. */
final class CountingLoader implements Function<AdapterKey, DeviceAdapter> {
    private final Transformer model;
    private final Map<AdapterKey, LoraAdapter> adapters = new ConcurrentHashMap<>();
    private final Map<AdapterKey, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<AdapterKey, RuntimeException> failNext = new ConcurrentHashMap<>();
    private final Map<AdapterKey, String> lastThread = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    CountingLoader(Transformer model) {
        this.model = model;
    }

    @Override
    public DeviceAdapter apply(AdapterKey key) {
        calls.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        lastThread.put(key, Thread.currentThread().getName());
        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test gate never opened");
            }
            RuntimeException failure = failNext.remove(key);
            if (failure != null) {
                throw failure;
            }
            return DeviceAdapter.upload(lora(key), model);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            running.decrementAndGet();
        }
    }

    LoraAdapter lora(AdapterKey key) {
        return adapters.computeIfAbsent(key, k -> TinyRuntime.lora(model.config(), k));
    }

    /** Bytes the key's adapter takes on the device, from a throwaway upload. */
    long bytesOf(AdapterKey key) {
        try (DeviceAdapter adapter = DeviceAdapter.upload(lora(key), model)) {
            return adapter.bytes();
        }
    }

    int calls(AdapterKey key) {
        AtomicInteger n = calls.get(key);
        return n == null ? 0 : n.get();
    }

    int totalCalls() {
        return calls.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    String lastThread(AdapterKey key) {
        return lastThread.get(key);
    }

    /** The most loads that ever ran at the same time. */
    int maxRunning() {
        return maxRunning.get();
    }

    void failNext(AdapterKey key, RuntimeException failure) {
        failNext.put(key, failure);
    }

    /** Holds every load until the returned latch is counted down. */
    CountDownLatch hold() {
        CountDownLatch latch = new CountDownLatch(1);
        gate = latch;
        return latch;
    }
}
