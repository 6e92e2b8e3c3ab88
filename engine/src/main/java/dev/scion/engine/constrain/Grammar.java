package dev.scion.engine.constrain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled constraint: a pushdown automaton over the bytes of the output, made of one
 * deterministic automaton per rule, where a call edge pushes a frame (nested objects, arrays,
 * {@code $ref}s). Immutable and thread-safe; a {@link MatchState} says where one output stands.
 *
 * <p>Every live state can still reach a complete document: transitions into states that cannot
 * are cut when compiling, and a frame is only pushed when the stack has room for what the rest of
 * the document needs ({@link #need}: the extra stack levels a state needs to finish, at most
 * {@link #maxDepth()} in all; a leaf rule such as a string or a whitespace gap may take one level
 * more, {@link #limit}). So a sampler that only takes allowed bytes never gets stuck.
 */
public final class Grammar {
    static final int INFINITE = Integer.MAX_VALUE / 4;
    /** Ambiguous grammars may keep several readings; more than this are dropped (each kept one can finish). */
    static final int MAX_STACKS = 64;

    final Dfa[] rules;
    final int root;
    final int maxDepth;
    final int[][] need;      // (rule, state) stack levels above this frame needed to finish; INFINITE if never
    final boolean[][] plain; // (rule, state) no calls and not accepting: a byte can only move within the rule
    final int[] limit;       // (rule) most frames a stack may have with this rule on top: maxDepth, one more for leaves
    private final String description;

    Grammar(Dfa[] rules, int root, int maxDepth, int[][] need, boolean[] leaf, String description) {
        this.rules = rules;
        this.limit = new int[rules.length];
        for (int r = 0; r < rules.length; r++) {
            limit[r] = maxDepth + (leaf[r] ? 1 : 0);
        }
        this.root = root;
        this.maxDepth = maxDepth;
        this.need = need;
        this.description = description;
        this.plain = new boolean[rules.length][];
        for (int r = 0; r < rules.length; r++) {
            plain[r] = new boolean[rules[r].states()];
            for (int s = 0; s < rules[r].states(); s++) {
                plain[r][s] = rules[r].calls[s].length == 0 && !rules[r].accepting[s];
            }
        }
    }

    /** The state before any output. */
    public MatchState start() {
        return new MatchState(new Frame[] {new Frame(root, 0, null)});
    }

    /** The state after one more byte (0..255), {@link MatchState#DEAD} when the byte leaves the language. */
    public MatchState advance(MatchState state, int unsignedByte) {
        if (state.isDead()) {
            return state;
        }
        List<Frame> out = new ArrayList<>(2);
        for (Frame f : state.stacks) {
            step(f, unsignedByte, out);
        }
        return MatchState.of(out);
    }

    public MatchState advance(MatchState state, byte[] bytes) {
        MatchState at = state;
        for (int i = 0; i < bytes.length && !at.isDead(); i++) {
            at = advance(at, bytes[i] & 0xFF);
        }
        return at;
    }

    public MatchState advance(MatchState state, String text) {
        return advance(state, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether the output so far is a complete document (every frame of some reading can return). */
    public boolean accepting(MatchState state) {
        for (Frame f : state.stacks) {
            Frame at = f;
            while (at != null && rules[at.rule].accepting[at.state]) {
                at = at.parent;
            }
            if (at == null) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code text} as a whole is a complete document. */
    public boolean matches(String text) {
        return accepting(advance(start(), text));
    }

    /** Most stack levels (nested objects, arrays, references) a document may use. */
    public int maxDepth() {
        return maxDepth;
    }

    /** Deterministic states over all rules, a measure of the compiled size. */
    public int stateCount() {
        int n = 0;
        for (Dfa d : rules) {
            n += d.states();
        }
        return n;
    }

    /** Every reading of {@code f} followed by byte {@code b}, added to {@code out} without duplicates. */
    private void step(Frame f, int b, List<Frame> out) {
        Dfa dfa = rules[f.rule];
        int t = dfa.next[f.state * 256 + b];
        if (t != Dfa.DEAD && f.size + need[f.rule][t] <= limit[f.rule]) {
            add(out, new Frame(f.rule, t, f.parent));
        }
        int[] calls = dfa.calls[f.state];
        for (int k = 0; k < calls.length; k += 2) {
            int callee = calls[k];
            int ret = calls[k + 1];
            if (f.size + need[f.rule][ret] <= limit[f.rule] && f.size + 1 + need[callee][0] <= limit[callee]) {
                step(new Frame(callee, 0, new Frame(f.rule, ret, f.parent)), b, out);
            }
        }
        if (dfa.accepting[f.state] && f.parent != null) {
            step(f.parent, b, out); // this rule is done; the byte may belong to the caller
        }
    }

    private static void add(List<Frame> out, Frame f) {
        if (out.size() < MAX_STACKS && !out.contains(f)) {
            out.add(f);
        }
    }

    @Override
    public String toString() {
        return description + " (" + rules.length + " rules, " + stateCount() + " states)";
    }
}
