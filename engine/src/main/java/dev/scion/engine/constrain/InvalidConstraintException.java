package dev.scion.engine.constrain;

/** A constraint that cannot be compiled: bad syntax, a feature outside the supported subset, or too large. */
public class InvalidConstraintException extends IllegalArgumentException {
    public InvalidConstraintException(String message) {
        super(message);
    }
}
