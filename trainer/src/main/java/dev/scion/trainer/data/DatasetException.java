package dev.scion.trainer.data;

import java.util.List;

/**
 * A data file that cannot be trained on as it is: a bad line while bad lines fail the load, a file without a
 * single usable example, or a chat template whose output cannot be split into prompt and answer. The message names
 * the file and line (and field where there is one); {@link #problems()} lists every problem found up to then.
 */
public final class DatasetException extends RuntimeException {
    private final transient List<DataProblem> problems;

    public DatasetException(String message, List<DataProblem> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    public List<DataProblem> problems() {
        return problems;
    }
}
