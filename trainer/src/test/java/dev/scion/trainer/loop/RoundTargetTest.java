package dev.scion.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.trainer.TrainOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The stopping rule and the EWC weight's adaptation, as pure functions of the epoch checks. */
class RoundTargetTest {
    private static final TrainOptions DEFAULTS = TrainOptions.defaults();

    @Test
    void theRoundStopsWhenEveryExampleIsAnsweredAndForgettingIsWithinBudget() {
        RoundTarget target = new RoundTarget(DEFAULTS, 1.0, 20);
        assertFalse(target.check(1, 3, 9, 10, 20, 20, 2.0, Double.NaN).stop(), "9 of 10 is short of the target");
        EpochCheck forgot = target.check(2, 6, 10, 10, 18, 20, 1.0, Double.NaN);
        assertTrue(forgot.targetMet());
        assertFalse(forgot.stop(), "10% forgotten exceeds the 5% budget: train on");
        EpochCheck done = target.check(3, 9, 10, 10, 19, 20, 0.5, Double.NaN);
        assertTrue(done.stop(), "5% forgotten is within the budget");
        assertTrue(target.stopped());
        assertEquals(3, target.epochsChecked());
    }

    @Test
    void aLossTargetIsMetTogetherWithTheExactMatchTarget() {
        TrainOptions both = DEFAULTS.with(b -> b.targetLoss = 0.5);
        assertFalse(RoundTarget.meets(both, 10, 10, 0.6));
        assertFalse(RoundTarget.meets(both, 9, 10, 0.4));
        assertTrue(RoundTarget.meets(both, 10, 10, 0.4));
        TrainOptions lossOnly = DEFAULTS.with(b -> {
            b.targetLoss = 0.5;
            b.targetExactMatch = 0;
        });
        assertTrue(RoundTarget.meets(lossOnly, 0, 10, 0.4));
        TrainOptions most = DEFAULTS.with(b -> b.targetExactMatch = 0.9);
        assertTrue(RoundTarget.meets(most, 9, 10, Double.NaN), "ceil(0.9 * 10) = 9");
        assertFalse(RoundTarget.meets(most, 8, 10, Double.NaN));
    }

    @Test
    void theEwcWeightHalvesWhileLearningStallsAndDoublesOnForgettingWhileItProgresses() {
        EpochCheck previous = new EpochCheck(1, 3, 4, 10, 20, 20, 1.0, Double.NaN, 1.0, 1.0, false, false);
        assertEquals(0.5, EwcStrength.next(1.0, 1.0, previous, 4, 0.99, 0.0, 0.05), "no more learned, loss flat");
        assertEquals(0.5, EwcStrength.next(1.0, 1.0, previous, 4, 0.99, 0.2, 0.05), "stalled: learning comes first");
        assertEquals(2.0, EwcStrength.next(1.0, 1.0, previous, 5, 0.99, 0.2, 0.05), "progress, but forgetting");
        assertEquals(1.0, EwcStrength.next(1.0, 1.0, previous, 5, 0.9, 0.0, 0.05), "progress, no forgetting");
        assertEquals(1.0, EwcStrength.next(1.0, 1.0, previous, 4, 0.9, 0.0, 0.05), "the loss fell by 10%");
        assertEquals(256.0, EwcStrength.next(256.0, 1.0, previous, 5, 0.9, 0.2, 0.05), "bounded above");
        assertEquals(1.0 / 256, EwcStrength.next(1.0 / 256, 1.0, previous, 4, 1.0, 0.0, 0.05), "bounded below");
        assertEquals(0.0, EwcStrength.next(0.0, 0.0, previous, 5, 0.9, 0.5, 0.05), "no EWC stays off");
    }

    @Test
    void theLearningRateHalvesWhenAnEpochsLossRoseAndNeverFallsBelowItsFloor() {
        EpochCheck previous = new EpochCheck(1, 3, 4, 10, 20, 20, 1.0, Double.NaN, 1.0, 1.0, false, false);
        assertEquals(1.0, LearningRateBackoff.next(1.0, null, 5.0), "the first epoch has nothing to compare with");
        assertEquals(1.0, LearningRateBackoff.next(1.0, previous, 0.9), "the loss fell");
        assertEquals(1.0, LearningRateBackoff.next(1.0, previous, 1.0), "the loss stayed");
        assertEquals(0.5, LearningRateBackoff.next(1.0, previous, 1.01), "the loss rose");
        assertEquals(0.25, LearningRateBackoff.next(0.5, previous, 1.01), "and again");
        assertEquals(LearningRateBackoff.FLOOR, LearningRateBackoff.next(LearningRateBackoff.FLOOR, previous, 2.0));
    }

    @Test
    void theChecksAndTheWeightSurviveACheckpoint() {
        RoundTarget target = new RoundTarget(DEFAULTS, 1.0, 20);
        target.check(1, 3, 2, 10, 20, 20, 2.0, Double.NaN);
        target.check(2, 6, 2, 10, 20, 20, 1.99, 0.75);
        target.check(3, 9, 3, 10, 20, 20, 2.5, 0.75);
        Map<String, Object> state = new LinkedHashMap<>();
        target.saveTo(state);
        RoundTarget restored = new RoundTarget(DEFAULTS, 1.0, 20);
        restored.restoreFrom(state);
        assertEquals(target.checks(), restored.checks());
        assertEquals(target.ewcLambda(), restored.ewcLambda());
        assertEquals(0.5, restored.ewcLambda(), "the stalled second epoch halved it; the third learned more");
        assertEquals(0.5, restored.learningRateScale(), "the third epoch's loss rose");
        assertEquals(target.learningRateScale(), restored.learningRateScale());
    }
}
