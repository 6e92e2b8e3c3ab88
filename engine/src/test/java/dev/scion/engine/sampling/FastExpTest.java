package dev.scion.engine.sampling;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FastExpTest {

    @Test
    void matchesMathExpToNineDigitsOverTheSoftmaxRange() {
        double worst = 0;
        for (double x = -700; x <= 0; x += 0.0137) {
            double relative = Math.abs(FastExp.exp(x) - Math.exp(x)) / Math.exp(x);
            worst = Math.max(worst, relative);
        }
        assertTrue(worst < 1e-9, "worst relative error " + worst);
        assertEquals(1.0, FastExp.exp(0), 0);
        assertEquals(Math.exp(3.5), FastExp.exp(3.5), 0);
    }

    @Test
    void underflowAndSpecialValues() {
        assertEquals(0.0, FastExp.exp(-750), 0);
        assertEquals(0.0, FastExp.exp(Double.NEGATIVE_INFINITY), 0);
        assertTrue(Double.isNaN(FastExp.exp(Double.NaN)));
    }
}
