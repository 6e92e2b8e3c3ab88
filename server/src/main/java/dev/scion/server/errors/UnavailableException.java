package dev.scion.server.errors;

/** The server cannot take the request now, through no fault of the request (it is shutting down, say). */
public final class UnavailableException extends ServiceException {
    public UnavailableException(String message) {
        super(message, null, null);
    }
}
