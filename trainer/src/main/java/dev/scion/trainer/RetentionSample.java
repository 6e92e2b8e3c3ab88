package dev.scion.trainer;

import dev.scion.trainer.data.TrainingExample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The earlier rounds' examples checked at every epoch's end (the gate scores all of them once at the end): a
 * bounded sample, so a long history does not make every epoch slow, with how many of them the starting adapter
 * answered exactly.
 */
record RetentionSample(List<TrainingExample> examples, int retainedBefore) {

    /** Earlier examples answered after every epoch, at most. */
    static final int SIZE = 64;

    /** @param answeredBefore per example of {@code earlier}: whether the starting adapter answered it exactly */
    static RetentionSample of(List<TrainingExample> earlier, boolean[] answeredBefore, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < earlier.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed + 1));
        List<Integer> chosen = order.subList(0, Math.min(SIZE, order.size()));
        Collections.sort(chosen);
        List<TrainingExample> examples = new ArrayList<>();
        int before = 0;
        for (int i : chosen) {
            examples.add(earlier.get(i));
            before += answeredBefore[i] ? 1 : 0;
        }
        return new RetentionSample(List.copyOf(examples), before);
    }
}
