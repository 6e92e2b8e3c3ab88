package dev.scion.server.adapters;

import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.server.adapters.cache.AdapterCache;

/**
 * What a request's {@code model} field resolved to: the base model, or one adapter version whose
 * lease keeps it on the device until the request's last choice finishes.
 *
 * @param modelId what responses report: the base model's id, or {@code name@version}
 * @param lease null for the base model
 */
public record ModelTarget(String modelId, AdapterCache.Lease lease) implements AutoCloseable {
    public static ModelTarget base(String id) {
        return new ModelTarget(id, null);
    }

    public DeviceAdapter adapter() {
        return lease == null ? null : lease.adapter();
    }

    @Override
    public void close() {
        if (lease != null) {
            lease.close();
        }
    }
}
