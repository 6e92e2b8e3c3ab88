package dev.scion.engine.runtime;

import java.util.Arrays;

/**
 * The logits of one forward step, one row per chunk, in one array: the token loop reads rows in
 * place (samplers take an offset) instead of copying vocab-sized rows every step.
 *
 * @param values (chunks, vocab) row-major
 */
public record StepLogits(float[] values, int vocab) {
    public int rows() {
        return values.length / vocab;
    }

    public int offset(int row) {
        return row * vocab;
    }

    /** A copy of one row, for tests and callers that keep it. */
    public float[] row(int row) {
        return Arrays.copyOfRange(values, row * vocab, (row + 1) * vocab);
    }
}
