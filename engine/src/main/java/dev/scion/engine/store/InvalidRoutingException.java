package dev.scion.engine.store;

/**
 * A routing that breaks one of its rules. {@link #field()} names the field at fault in the routing JSON's own
 * names ({@code canary_percent}, {@code auto_rollback.max_error_rate}), so the server can report it as the
 * request's {@code param}.
 */
public final class InvalidRoutingException extends IllegalArgumentException {
    private final String field;

    public InvalidRoutingException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
