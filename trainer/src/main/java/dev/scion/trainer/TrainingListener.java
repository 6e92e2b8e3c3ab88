package dev.scion.trainer;

/** What a running round reports: a line per optimizer step, and events (checkpoints, evaluation, gate, publish). */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {};

    default void onStep(StepProgress progress) {}

    default void onEvent(String message) {}
}
