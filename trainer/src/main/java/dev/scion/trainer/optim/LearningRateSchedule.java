package dev.scion.trainer.optim;

import dev.scion.trainer.TrainOptions.Schedule;

/**
 * Linear warm-up from zero, then cosine or linear decay to zero at the last step (or constant): the schedules
 * Hugging Face's trainer offers, as a pure function of the step so a resumed round needs no saved state.
 */
public record LearningRateSchedule(double peak, int warmupSteps, int totalSteps, Schedule schedule) {

    /** @param ratio share of the total steps spent warming up */
    public static LearningRateSchedule of(double peak, double ratio, int totalSteps, Schedule schedule) {
        return new LearningRateSchedule(peak, (int) Math.ceil(ratio * totalSteps), totalSteps, schedule);
    }

    /** The rate for optimizer step {@code step}, counted from 0. */
    public double at(int step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / (warmupSteps + 1);
        }
        if (schedule == Schedule.CONSTANT || totalSteps <= warmupSteps) {
            return peak;
        }
        double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return switch (schedule) {
            case COSINE -> peak * 0.5 * (1 + Math.cos(Math.PI * progress));
            case LINEAR -> peak * (1 - progress);
            case CONSTANT -> peak;
        };
    }
}
