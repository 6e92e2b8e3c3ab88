package dev.scion.server.adapters;

/**
 * A cold adapter's load could not even start: every load thread is busy and the queue of loads waiting for one is
 * full. Nothing is wrong with the adapter, so it counts as no failure of its version; the client may retry.
 */
public final class LoadRefusedException extends RuntimeException {
    private final AdapterKey key;

    LoadRefusedException(AdapterKey key, Throwable cause) {
        super("loading adapter " + key.modelId() + " was refused: every load thread is busy and the load queue is full",
                cause);
        this.key = key;
    }

    public AdapterKey key() {
        return key;
    }
}
