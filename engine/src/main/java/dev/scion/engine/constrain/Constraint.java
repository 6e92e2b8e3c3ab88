package dev.scion.engine.constrain;

/**
 * What a request's output must be: {@link #NONE}, or a grammar over the model's vocabulary
 * ({@link GrammarConstraint}). A constraint is immutable and may be shared by many requests; each
 * sequence follows it with its own {@link Guide}.
 */
public sealed interface Constraint permits Constraint.None, GrammarConstraint {
    /** Free generation: no mask, no per-step work. */
    Constraint NONE = new None();

    /** Outputs in {@code grammar}'s language, written with the tokens of {@code trie}. */
    static GrammarConstraint of(Grammar grammar, TokenTrie trie) {
        return new GrammarConstraint(new TokenMasks(grammar, trie));
    }

    /** The unconstrained case. */
    final class None implements Constraint {
        private None() {}

        @Override
        public String toString() {
            return "none";
        }
    }
}
