package dev.scion.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The decoupled EWC pull: how far each weight moves back towards its anchor after a step. */
class EwcTest {

    @Test
    void eachWeightMovesBackInProportionToItsNormalisedFisherAndTheStepsRate() {
        // Fisher mean 1: the normalised values are the raw ones.
        Ewc ewc = Ewc.normalised(List.of(new float[] {0f, 1f, 3f, 0f}), List.of(new float[] {0f, 0f, 0f, 0f}));
        float[] weights = {1f, 1f, 1f, 1f};
        ewc.pull(List.of(weights), 0.1, 1.0);
        assertArrayEquals(new float[] {1f, 0.9f, 0.7f, 1f}, weights, 1e-6f,
                "moved by rate * lambda * F / mean F of the distance: 0, 0.1 and 0.3");
    }

    @Test
    void noWeightIsPulledPastItsAnchor() {
        Ewc ewc = Ewc.normalised(List.of(new float[] {1f, 1000f}), List.of(new float[] {0.5f, 0.5f}));
        float[] weights = {1f, -2f};
        ewc.pull(List.of(weights), 1.0, 1000.0);
        assertEquals(0.5f, weights[0], "a factor above 1 is capped at 1: the weight lands on its anchor");
        assertEquals(0.5f, weights[1]);
    }

    @Test
    void aFisherWithoutInformationGivesNoPenalty() {
        assertNull(Ewc.normalised(List.of(new float[] {0f, 0f}), List.of(new float[] {1f, 1f})));
    }
}
