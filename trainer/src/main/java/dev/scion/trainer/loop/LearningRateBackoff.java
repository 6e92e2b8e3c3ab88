package dev.scion.trainer.loop;

/**
 * How a round that trains to its target backs its learning rate off, decided at every epoch's end: when the
 * epoch's mean training loss rose above the previous epoch's, the steps are too large for where the weights now
 * are, and the scale on the schedule's rate is halved (never below {@link #FLOOR}); it does not rise again.
 * Continued rounds need it: a fresh adapter (B = 0) moves the model slowly at first, but a trained one turns the
 * same optimizer steps into large changes of its output, and at the full rate the loss swung from epoch to epoch,
 * learning only once the cosine schedule had decayed (measurements in docs/architecture.md). A pure function of
 * the checks, so a resumed round repeats it.
 */
public final class LearningRateBackoff {
    /** The scale stays at or above this share of the schedule's rate. */
    static final double FLOOR = 1.0 / 16;

    private LearningRateBackoff() {}

    /**
     * @param scale the scale the epoch trained with
     * @param previous the previous epoch's check, or null after the first epoch
     * @param trainingLoss the epoch's mean training loss
     */
    public static double next(double scale, EpochCheck previous, double trainingLoss) {
        boolean rose = previous != null && trainingLoss > previous.trainingLoss();
        return rose ? Math.max(FLOOR, scale / 2) : scale;
    }
}
