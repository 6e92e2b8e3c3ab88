package dev.scion.server.errors;

/** The request itself is wrong: a wrong type, a value out of range, a missing field, a reference to nothing usable. */
public final class InvalidRequestException extends ServiceException {
    public InvalidRequestException(String message, String param) {
        this(message, param, null);
    }

    public InvalidRequestException(String message, String param, String code) {
        super(message, param, code);
    }

    /** A prompt (or prompt plus max_tokens) longer than the model's context, with OpenAI's code for it. */
    public static InvalidRequestException contextLengthExceeded(String message, String param) {
        return new InvalidRequestException(message, param, "context_length_exceeded");
    }
}
