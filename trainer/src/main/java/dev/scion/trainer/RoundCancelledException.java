package dev.scion.trainer;

/** The round was cancelled through its {@link TrainingControl}; its newest checkpoint stays for a resume. */
public final class RoundCancelledException extends RuntimeException {
    private final int step;

    public RoundCancelledException(int step) {
        super("training cancelled at step " + step);
        this.step = step;
    }

    public int step() {
        return step;
    }
}
