package dev.scion.engine.store;

/** A version validated against another base model than the one this store serves. */
public class IncompatibleBaseException extends RuntimeException {
    public IncompatibleBaseException(String message) {
        super(message);
    }
}
