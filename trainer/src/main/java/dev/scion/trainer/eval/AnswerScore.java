package dev.scion.trainer.eval;

/**
 * How many of a set of examples an adapter answers exactly, generating greedily as serving does.
 *
 * @param correct per example, in the order scored: whether its answer equals the reference
 */
public record AnswerScore(int examples, int exact, boolean[] correct) {

    public static final AnswerScore EMPTY = new AnswerScore(0, 0, new boolean[0]);

    /** The share answered exactly; NaN for no examples. */
    public double accuracy() {
        return examples == 0 ? Double.NaN : (double) exact / examples;
    }

    /** "12/16 (75.0%)". */
    public String describe() {
        return examples == 0 ? "none" : String.format(java.util.Locale.ROOT, "%d/%d (%.1f%%)", exact, examples,
                100.0 * accuracy());
    }
}
