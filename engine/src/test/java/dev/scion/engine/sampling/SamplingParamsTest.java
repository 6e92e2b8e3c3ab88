package dev.scion.engine.sampling;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SamplingParamsTest {

    static SamplingParams params(double temperature, double topP, int topK, double minP) {
        return new SamplingParams(temperature, topP, topK, minP, 7L, 0, 0, 1, -1);
    }

    @Test
    void greedyConstantIsGreedyAndNeutral() {
        assertTrue(SamplingParams.GREEDY.greedy());
        assertEquals(1, SamplingParams.GREEDY.repetitionPenalty());
        assertEquals(-1, SamplingParams.GREEDY.topLogprobs());
        assertFalse(params(0.7, 1, -1, 0).greedy());
        assertEquals(42L, SamplingParams.GREEDY.withSeed(42L).seed());
    }

    @Test
    void rejectsOutOfRangeValuesNamingTheField() {
        assertMessage("temperature", () -> params(2.5, 1, -1, 0));
        assertMessage("temperature", () -> params(Double.NaN, 1, -1, 0));
        assertMessage("top_p", () -> params(1, 0, -1, 0));
        assertMessage("top_p", () -> params(1, 1.01, -1, 0));
        assertMessage("top_k", () -> params(1, 1, 0, 0));
        assertMessage("top_k", () -> params(1, 1, -2, 0));
        assertMessage("min_p", () -> params(1, 1, -1, 1.5));
        assertMessage("presence_penalty", () -> new SamplingParams(1, 1, -1, 0, null, 2.1, 0, 1, -1));
        assertMessage("frequency_penalty", () -> new SamplingParams(1, 1, -1, 0, null, 0, -3, 1, -1));
        assertMessage("repetition_penalty", () -> new SamplingParams(1, 1, -1, 0, null, 0, 0, 0, -1));
        assertMessage("repetition_penalty", () -> new SamplingParams(1, 1, -1, 0, null, 0, 0, Double.POSITIVE_INFINITY, -1));
        assertMessage("top_logprobs", () -> new SamplingParams(1, 1, -1, 0, null, 0, 0, 1, 21));
        assertMessage("top_logprobs", () -> new SamplingParams(1, 1, -1, 0, null, 0, 0, 1, -2));
        assertDoesNotThrow(() -> new SamplingParams(2, 1, 1, 1, null, -2, 2, 0.01, 20));
    }

    private static void assertMessage(String field, org.junit.jupiter.api.function.Executable make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make);
        assertTrue(e.getMessage().startsWith(field + " "), e.getMessage());
    }
}
