package dev.scion.server.errors;

/** What the request names does not exist: a model, an adapter or version, a file, a job. */
public final class NotFoundException extends ServiceException {
    public NotFoundException(String message, String param, String code) {
        super(message, param, code);
    }

    /** An unknown {@code model}, as OpenAI words it. */
    public static NotFoundException model(String model) {
        return new NotFoundException("The model '" + model + "' does not exist", "model", "model_not_found");
    }
}
