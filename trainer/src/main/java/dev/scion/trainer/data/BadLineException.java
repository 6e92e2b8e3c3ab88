package dev.scion.trainer.data;

/**
 * Why one line cannot become a training example. Thrown while a line is parsed or encoded and turned into a
 * {@link DataProblem} by the loader, which knows the file and line number.
 */
class BadLineException extends Exception {
    private final String field;

    /** @param field the JSON path of the offending field, e.g. {@code conversations[2].from}; null for the line */
    BadLineException(String field, String reason) {
        super(reason, null, false, false);
        this.field = field;
    }

    String field() {
        return field;
    }

    String reason() {
        return getMessage();
    }
}
