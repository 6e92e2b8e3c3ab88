package dev.scion.engine.model;

/**
 * A checkpoint, adapter or tokenizer file that cannot be used as it is. The message always names
 * the file and, where there is one, the tensor or field, so an operator can fix the input.
 */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
