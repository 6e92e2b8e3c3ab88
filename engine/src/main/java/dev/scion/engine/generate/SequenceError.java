package dev.scion.engine.generate;

/**
 * Why a sequence ended with {@link FinishReason#ERROR}.
 *
 * @param kind what failed, and so whom it concerns
 * @param message for the caller: what went wrong, without internal detail (no stack trace, no paths)
 */
public record SequenceError(Kind kind, String message) {

    public enum Kind {
        /**
         * This sequence's logits were NaN or infinite. The rest of its batch was fine, so it concerns
         * this sequence alone; with an adapter, almost always weights that overflow float32.
         */
        NON_FINITE_LOGITS,
        /** Processing this sequence's token failed (sampling, decoding); the rest of its step went on. */
        SEQUENCE_FAILED,
        /** The step itself failed (the forward pass, building the adapter batch); every sequence in it ended. */
        STEP_FAILED
    }

    public SequenceError {
        java.util.Objects.requireNonNull(kind, "kind");
        java.util.Objects.requireNonNull(message, "message");
    }

    /** Whether the sequence's adapter is to blame: true only for {@link Kind#NON_FINITE_LOGITS}. */
    public boolean blamesAdapter() {
        return kind == Kind.NON_FINITE_LOGITS;
    }

    static SequenceError nonFiniteLogits(String detail, String adapter) {
        return new SequenceError(Kind.NON_FINITE_LOGITS, "The model produced non-finite logits for this request ("
                + detail + ")" + (adapter == null ? "" : " with adapter '" + adapter + "', whose weights probably"
                + " overflow float32") + "; the request was ended.");
    }

    static SequenceError sequenceFailed() {
        return new SequenceError(Kind.SEQUENCE_FAILED, "generating the next token of this sequence failed");
    }

    static SequenceError stepFailed() {
        return new SequenceError(Kind.STEP_FAILED, "the engine step this sequence was in failed");
    }
}
