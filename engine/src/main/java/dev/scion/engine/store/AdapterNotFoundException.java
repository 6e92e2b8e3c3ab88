package dev.scion.engine.store;

/** A name or version the store does not hold (never published, deleted, or ignored as incomplete). */
public class AdapterNotFoundException extends RuntimeException {
    public AdapterNotFoundException(String message) {
        super(message);
    }
}
