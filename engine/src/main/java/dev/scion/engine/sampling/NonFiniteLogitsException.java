package dev.scion.engine.sampling;

/**
 * A row of logits a model should never produce: NaN, +infinity, or every token at -infinity. It
 * concerns one sequence (its row), so a batch ends that sequence and carries on with the others;
 * with an adapter it usually means the adapter's weights overflow float32 somewhere in the pass.
 */
public final class NonFiniteLogitsException extends IllegalArgumentException {
    public NonFiniteLogitsException(String message) {
        super(message);
    }
}
