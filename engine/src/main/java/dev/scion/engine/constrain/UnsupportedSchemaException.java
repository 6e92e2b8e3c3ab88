package dev.scion.engine.constrain;

/**
 * A JSON Schema uses a keyword (or a value of one) outside the supported subset. Refused rather than
 * ignored: ignoring {@code pattern} or {@code minimum} would let outputs through that the schema forbids.
 */
public final class UnsupportedSchemaException extends InvalidConstraintException {
    private final String keyword;

    public UnsupportedSchemaException(String keyword, String why) {
        super("unsupported JSON Schema keyword '" + keyword + "': " + why);
        this.keyword = keyword;
    }

    public UnsupportedSchemaException(String keyword) {
        this(keyword, "constrained decoding supports the subset of OpenAI's strict mode");
    }

    /** The keyword that was refused, e.g. {@code pattern}. */
    public String keyword() {
        return keyword;
    }
}
