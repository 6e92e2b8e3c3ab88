package dev.scion.engine.constrain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects a grammar's rules ({@link Expr}s that may call each other by id) and compiles them into
 * a {@link Grammar}: one DFA per rule, then the stack levels each state needs to finish, then the
 * cuts of every transition into a state that can never finish.
 */
final class GrammarBuilder {
    private final List<String> names = new ArrayList<>();
    private final List<Expr> bodies = new ArrayList<>();
    private final CompileBudget budget = new CompileBudget();
    private final java.util.Map<String, Integer> shared = new java.util.HashMap<>();
    private final java.util.Set<Integer> leaves = new java.util.HashSet<>();

    /** A new rule whose body comes later, so rules can refer to each other (and themselves). */
    int declare(String name) {
        names.add(name);
        bodies.add(null);
        return names.size() - 1;
    }

    /**
     * The leaf rule of this name, declared and defined on first use: a piece many rules call (whitespace, a
     * string) that calls nothing itself. A leaf frame may sit one level above the grammar's depth, so calling
     * one costs no depth: the deepest object can still hold strings.
     */
    int sharedLeaf(String name, java.util.function.Supplier<Expr> body) {
        Integer known = shared.get(name);
        if (known != null) {
            return known;
        }
        int rule = declare(name);
        shared.put(name, rule);
        define(rule, body.get());
        leaves.add(rule);
        return rule;
    }

    void define(int rule, Expr body) {
        bodies.set(rule, body);
    }

    Grammar build(int root, int maxDepth, String description) {
        Dfa[] rules = new Dfa[bodies.size()];
        for (int r = 0; r < rules.length; r++) {
            if (bodies.get(r) == null) {
                throw new IllegalStateException("rule " + names.get(r) + " was declared but never defined");
            }
            Nfa nfa = new Nfa(budget);
            int start = nfa.newState();
            int accept = nfa.newState();
            nfa.build(bodies.get(r), start, accept);
            rules[r] = Dfa.determinize(nfa, start, accept, budget);
        }
        refuseLeftRecursion(rules);
        boolean[] leaf = new boolean[rules.length];
        for (int r : leaves) {
            for (int[] calls : rules[r].calls) {
                if (calls.length > 0) {
                    throw new IllegalStateException("leaf rule " + names.get(r) + " calls another rule");
                }
            }
            leaf[r] = true;
        }
        int[][] need = need(rules, leaf, maxDepth);
        cutHopeless(rules, need);
        if (1 + need[root][0] > maxDepth) {
            throw new InvalidConstraintException("no document of " + description + " fits within " + maxDepth
                    + " levels of nesting");
        }
        return new Grammar(rules, root, maxDepth, need, leaf, description);
    }

    /**
     * A rule that can call itself before reading a byte would push frames without end; the JSON
     * rules never do, but a schema like {@code {"anyOf": [{"$ref": "#"}, ...]}} would.
     */
    private void refuseLeftRecursion(Dfa[] rules) {
        int[] color = new int[rules.length]; // 0 unseen, 1 on the path, 2 done
        for (int r = 0; r < rules.length; r++) {
            visitStartCalls(rules, r, color);
        }
    }

    private void visitStartCalls(Dfa[] rules, int r, int[] color) {
        if (color[r] == 2) {
            return;
        }
        if (color[r] == 1) {
            throw new InvalidConstraintException("'" + names.get(r)
                    + "' refers to itself before any output (left recursion), which no document can end");
        }
        color[r] = 1;
        int[] calls = rules[r].calls[0];
        for (int k = 0; k < calls.length; k += 2) {
            if (rules[calls[k]].accepting[0]) {
                throw new IllegalStateException("rule " + names.get(calls[k]) + " matches the empty output");
            }
            visitStartCalls(rules, calls[k], color);
        }
        color[r] = 2;
    }

    /**
     * need[r][s] = d: from state s of rule r the rule can finish using at most d more stack levels
     * (a call needs one level, none for a leaf, plus what the callee needs from its start). Found by growing d: at
     * each d, states reach acceptance backwards over bytes and over the calls that fit in d.
     */
    static int[][] need(Dfa[] rules, boolean[] leaf, int maxDepth) {
        int[][] need = new int[rules.length][];
        List<int[][]> bytePreds = new ArrayList<>();
        List<int[][]> callPreds = new ArrayList<>();
        for (int r = 0; r < rules.length; r++) {
            need[r] = new int[rules[r].states()];
            Arrays.fill(need[r], Grammar.INFINITE);
            bytePreds.add(bytePredecessors(rules[r]));
            callPreds.add(callPredecessors(rules[r]));
        }
        IntList queue = new IntList();
        boolean[] active = new boolean[rules.length];
        Arrays.fill(active, true);
        for (int d = 0; d <= maxDepth; d++) {
            boolean[] startChanged = new boolean[rules.length];
            boolean anyChanged = false;
            for (int r = 0; r < rules.length; r++) {
                if (!active[r]) {
                    continue; // no callee became cheaper at the last level: nothing new can reach acceptance
                }
                Dfa dfa = rules[r];
                int[] mine = need[r];
                queue.clear();
                for (int s = 0; s < dfa.states(); s++) {
                    if (mine[s] <= d || dfa.accepting[s]) {
                        mine[s] = Math.min(mine[s], d);
                        queue.add(s);
                    }
                }
                for (int q = 0; q < queue.size(); q++) {
                    int t = queue.get(q);
                    for (int s : bytePreds.get(r)[t]) {
                        if (mine[s] > d) {
                            mine[s] = d;
                            queue.add(s);
                        }
                    }
                    int[] viaCall = callPreds.get(r)[t]; // (caller state, callee) pairs
                    for (int k = 0; k < viaCall.length; k += 2) {
                        int s = viaCall[k];
                        int callee = viaCall[k + 1];
                        if (mine[s] > d && (leaf[callee] ? 0 : 1) + need[callee][0] <= d) {
                            mine[s] = d;
                            queue.add(s);
                        }
                    }
                }
                if (mine[0] == d) {
                    startChanged[r] = true;
                    anyChanged = true;
                }
            }
            if (!anyChanged && d > 0) {
                break; // no start got cheaper, so no call edge opens at any later level
            }
            // Only callers of a rule whose start just got its need can gain at the next level.
            Arrays.fill(active, false);
            for (int r = 0; r < rules.length; r++) {
                for (int[] calls : rules[r].calls) {
                    for (int k = 0; k < calls.length; k += 2) {
                        active[r] |= startChanged[calls[k]];
                    }
                }
            }
        }
        return need;
    }

    private static int[][] bytePredecessors(Dfa dfa) {
        IntList[] preds = new IntList[dfa.states()];
        for (int t = 0; t < preds.length; t++) {
            preds[t] = new IntList();
        }
        for (int s = 0; s < dfa.states(); s++) {
            int last = -2;
            for (int b = 0; b < 256; b++) {
                int t = dfa.next[s * 256 + b];
                if (t != Dfa.DEAD && t != last) {
                    preds[t].add(s); // duplicates (a target reached by several byte runs) only cost a repeat visit
                    last = t;
                }
            }
        }
        int[][] out = new int[preds.length][];
        for (int t = 0; t < preds.length; t++) {
            out[t] = preds[t].toArray();
        }
        return out;
    }

    private static int[][] callPredecessors(Dfa dfa) {
        IntList[] preds = new IntList[dfa.states()];
        for (int t = 0; t < preds.length; t++) {
            preds[t] = new IntList();
        }
        for (int s = 0; s < dfa.states(); s++) {
            int[] calls = dfa.calls[s];
            for (int k = 0; k < calls.length; k += 2) {
                preds[calls[k + 1]].add(s);
                preds[calls[k + 1]].add(calls[k]);
            }
        }
        int[][] out = new int[preds.length][];
        for (int t = 0; t < preds.length; t++) {
            out[t] = preds[t].toArray();
        }
        return out;
    }

    /** Transitions into states that can never finish become dead, so the trie walk prunes them at once. */
    private static void cutHopeless(Dfa[] rules, int[][] need) {
        for (int r = 0; r < rules.length; r++) {
            int[] next = rules[r].next;
            for (int i = 0; i < next.length; i++) {
                if (next[i] != Dfa.DEAD && need[r][next[i]] >= Grammar.INFINITE) {
                    next[i] = Dfa.DEAD;
                }
            }
        }
    }
}
