package dev.scion.server.adapters.cache;

/**
 * A load of an adapter failed. Every acquirer that waited on that load gets its own instance with
 * the loader's exception as the cause; nothing is cached, so the next acquire loads again.
 */
public final class AdapterLoadException extends RuntimeException {
    private final AdapterKey key;

    AdapterLoadException(AdapterKey key, Throwable cause) {
        super("loading adapter " + key.modelId() + " failed: " + cause.getMessage(), cause);
        this.key = key;
    }

    public AdapterKey key() {
        return key;
    }
}
