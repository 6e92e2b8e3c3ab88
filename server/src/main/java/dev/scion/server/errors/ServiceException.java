package dev.scion.server.errors;

/**
 * A request the server refuses for a reason it can name: what happened (not found, a conflict, an invalid input, no
 * capacity now), never how a protocol shows it; {@code dev.scion.server.http.HttpFailures} alone turns each kind into
 * an HTTP status and OpenAI's error JSON. Expected control flow, so no stack trace is captured. The message is meant
 * for the client and must never carry internal details such as server paths.
 */
public abstract sealed class ServiceException extends RuntimeException
        permits InvalidRequestException, NotFoundException, ConflictException, UnavailableException {
    private final String param;
    private final String code;

    ServiceException(String message, String param, String code) {
        super(message, null, false, false);
        this.param = param;
        this.code = code;
    }

    /** The request field at fault, e.g. "messages[2].role" or "file_id", or null. */
    public String param() {
        return param;
    }

    /** A machine-readable reason, e.g. "model_not_found", or null. */
    public String code() {
        return code;
    }
}
