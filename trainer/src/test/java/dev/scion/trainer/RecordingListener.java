package dev.scion.trainer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every event and step a round reports, so tests can assert on what the user would have been told. */
final class RecordingListener implements TrainingListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<StepProgress> steps = new CopyOnWriteArrayList<>();

    @Override
    public void onStep(StepProgress progress) {
        steps.add(progress);
    }

    @Override
    public void onEvent(String message) {
        events.add(message);
    }

    /** The events containing {@code fragment}. */
    List<String> eventsWith(String fragment) {
        return events.stream().filter(e -> e.contains(fragment)).toList();
    }

    boolean saw(String fragment) {
        return !eventsWith(fragment).isEmpty();
    }

    /** All events, one a line, for assertion messages. */
    String transcript() {
        return String.join("\n", events);
    }
}
