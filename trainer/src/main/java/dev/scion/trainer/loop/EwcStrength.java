package dev.scion.trainer.loop;

/**
 * How the EWC weight adapts during a round that trains to its target, decided at every epoch's end from what
 * that epoch measured. Learning comes first: while the new data has stopped progressing (neither more examples
 * answered exactly nor the training loss falling by {@link #PROGRESS}) the weight is halved, since the pull
 * towards the old weights is holding the new data back. While it progresses and the earlier rounds' retention
 * sample has lost more than the forgetting budget, the weight is doubled. Strengthening on forgetting alone was
 * measured to freeze rounds: early epochs forget transiently (replay brings it back) and a doubled weight then
 * kept a third round from learning any of its data in 20 epochs. Bounded to {@link #RANGE} times the starting
 * weight either way. A pure function of the checks, so a resumed round repeats it.
 */
public final class EwcStrength {
    /** Relative fall of the epoch's training loss that counts as progress. */
    static final double PROGRESS = 0.02;

    /** The weight stays within [start / RANGE, start * RANGE]. */
    static final double RANGE = 256;

    private EwcStrength() {}

    /**
     * @param lambda the weight the epoch trained with
     * @param start the round's starting weight (the option)
     * @param previous the previous epoch's check, or null after the first epoch
     * @param forgetting the retention sample's drop in exact-match share since the round began
     */
    public static double next(double lambda, double start, EpochCheck previous, int learned, double trainingLoss,
            double forgetting, double budget) {
        if (lambda <= 0) {
            return lambda;
        }
        boolean stalled = previous != null && learned <= previous.learned()
                && !(trainingLoss < previous.trainingLoss() * (1 - PROGRESS));
        double next = lambda;
        if (stalled) {
            next = lambda / 2;
        } else if (forgetting > budget) {
            next = lambda * 2;
        }
        return Math.max(start / RANGE, Math.min(start * RANGE, next));
    }
}
