package dev.scion.engine.constrain;

import java.util.ArrayList;
import java.util.List;

/**
 * A nondeterministic automaton for one rule, built from an {@link Expr} the Thompson way: epsilon
 * edges, byte-range edges and call edges (enter another rule, come back to the target). Loops
 * always hang on fresh states, so alternatives sharing a start or end state cannot leak into each
 * other's loops. Its size is checked against the grammar's {@link CompileBudget}.
 */
final class Nfa {
    final List<IntList> eps = new ArrayList<>();   // per state: targets
    final List<IntList> bytes = new ArrayList<>(); // per state: (lo, hi, target) triples
    final List<IntList> calls = new ArrayList<>(); // per state: (rule, target) pairs
    private final CompileBudget budget;

    Nfa(CompileBudget budget) {
        this.budget = budget;
    }

    int size() {
        return eps.size();
    }

    int newState() {
        budget.nfaState();
        eps.add(new IntList());
        bytes.add(new IntList());
        calls.add(new IntList());
        return eps.size() - 1;
    }

    /** Adds states and edges so that the paths from {@code from} to {@code to} spell {@code e}. */
    void build(Expr e, int from, int to) {
        if (e instanceof Expr.Range r) {
            IntList edges = bytes.get(from);
            edges.add(r.lo());
            edges.add(r.hi());
            edges.add(to);
        } else if (e instanceof Expr.Call c) {
            calls.get(from).add(c.rule());
            calls.get(from).add(to);
        } else if (e instanceof Expr.Seq s) {
            if (s.parts().isEmpty()) {
                eps.get(from).add(to);
                return;
            }
            int at = from;
            for (int i = 0; i < s.parts().size(); i++) {
                int next = i == s.parts().size() - 1 ? to : newState();
                build(s.parts().get(i), at, next);
                at = next;
            }
        } else if (e instanceof Expr.Alt a) {
            for (Expr option : a.options()) {
                build(option, from, to);
            }
        } else {
            repeat((Expr.Repeat) e, from, to);
        }
    }

    private void repeat(Expr.Repeat r, int from, int to) {
        int at = from;
        for (int i = 0; i < r.min(); i++) {
            int next = newState();
            build(r.body(), at, next);
            at = next;
        }
        if (r.max() == Expr.Repeat.UNBOUNDED) {
            int loop = newState();
            eps.get(at).add(loop);
            build(r.body(), loop, loop);
            eps.get(loop).add(to);
            return;
        }
        // A chain of optional copies: each may stop early; nested rather than side by side keeps DFA subsets small.
        for (int i = r.min(); i < r.max(); i++) {
            int next = newState();
            eps.get(at).add(to);
            build(r.body(), at, next);
            at = next;
        }
        eps.get(at).add(to);
    }
}
