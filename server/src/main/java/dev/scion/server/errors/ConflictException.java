package dev.scion.server.errors;

/** The request is valid but clashes with the state of what it names, e.g. deleting a file a running job reads. */
public final class ConflictException extends ServiceException {
    public ConflictException(String message, String param, String code) {
        super(message, param, code);
    }
}
