package dev.scion.trainer;

/**
 * How the one running round is paced and stopped from outside: the server's jobs make it yield to serving and
 * cancel it; the command line trains flat out.
 */
public interface TrainingControl {
    TrainingControl UNLIMITED = new TrainingControl() {};

    /** Called before each micro-batch; may block to leave the device to serving. */
    default void beforeStep() throws InterruptedException {}

    /** When true the round stops at the next micro-batch, keeping its newest checkpoint. */
    default boolean cancelled() {
        return false;
    }

    /** Called after each micro-batch with the nanoseconds it took, for duty-cycle accounting. */
    default void afterStep(long nanos) {}
}
