package dev.scion.engine.constrain;

/**
 * Bounds what compiling one constraint may build, so a hostile schema or regex (deep nesting,
 * {@code {1000}{1000}}, a blow-up in determinization) is refused quickly instead of taking the
 * server's memory: automaton states, and transition tables of 256 ints per deterministic state.
 */
final class CompileBudget {
    /** Nondeterministic states over all rules. */
    static final int MAX_NFA_STATES = 400_000;
    /** Deterministic states over all rules: 16k states are 16 MiB of transition tables. */
    static final int MAX_DFA_STATES = 16_384;

    private int nfaStates;
    private int dfaStates;

    void nfaState() {
        if (++nfaStates > MAX_NFA_STATES) {
            throw new InvalidConstraintException("the constraint is too large: more than " + MAX_NFA_STATES
                    + " automaton states");
        }
    }

    void dfaState() {
        if (++dfaStates > MAX_DFA_STATES) {
            throw new InvalidConstraintException("the constraint is too large: more than " + MAX_DFA_STATES
                    + " deterministic automaton states");
        }
    }
}
