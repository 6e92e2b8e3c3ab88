package dev.scion.engine.constrain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One rule as a deterministic automaton over bytes: a 256-wide transition row per state (a table
 * lookup per byte is what makes walking the vocabulary's trie cheap), acceptance, and call edges
 * (enter rule {@code r}, continue at state {@code t} once it is done). State 0 is the start.
 */
final class Dfa {
    static final int DEAD = -1;

    final int[] next;          // (states * 256) the target of each byte, or DEAD
    final boolean[] accepting; // (states)
    final int[][] calls;       // (states) (rule, target) pairs; empty for most states

    private Dfa(int[] next, boolean[] accepting, int[][] calls) {
        this.next = next;
        this.accepting = accepting;
        this.calls = calls;
    }

    int states() {
        return accepting.length;
    }

    /** The subset construction of {@code nfa} from {@code start}, accepting where the subset holds {@code accept}. */
    static Dfa determinize(Nfa nfa, int start, int accept, CompileBudget budget) {
        Map<StateSet, Integer> ids = new HashMap<>();
        List<int[]> sets = new ArrayList<>();
        Deque<Integer> pending = new ArrayDeque<>();
        Closure closure = new Closure(nfa);
        intern(closure.of(new int[] {start}, 1), ids, sets, pending, budget);
        List<int[]> rows = new ArrayList<>();
        List<int[]> callRows = new ArrayList<>();
        IntList seeds = new IntList();
        while (!pending.isEmpty()) {
            int id = pending.removeFirst();
            int[] set = sets.get(id);
            int[] row = new int[256];
            Arrays.fill(row, DEAD);
            boolean[] cut = new boolean[257];
            for (int s : set) {
                IntList edges = nfa.bytes.get(s);
                for (int e = 0; e < edges.size(); e += 3) {
                    cut[edges.get(e)] = true;
                    cut[edges.get(e + 1) + 1] = true;
                }
            }
            // Between two cuts the same edges are active, so each interval needs one closure.
            for (int lo = 0; lo < 256; ) {
                int hi = lo + 1;
                while (hi < 256 && !cut[hi]) {
                    hi++;
                }
                seeds.clear();
                for (int s : set) {
                    IntList edges = nfa.bytes.get(s);
                    for (int e = 0; e < edges.size(); e += 3) {
                        if (edges.get(e) <= lo && edges.get(e + 1) >= lo) {
                            seeds.add(edges.get(e + 2));
                        }
                    }
                }
                if (seeds.size() > 0) {
                    int target = intern(closure.of(seeds.toArray(), seeds.size()), ids, sets, pending, budget);
                    Arrays.fill(row, lo, hi, target);
                }
                lo = hi;
            }
            TreeMap<Integer, IntList> byRule = new TreeMap<>();
            for (int s : set) {
                IntList c = nfa.calls.get(s);
                for (int e = 0; e < c.size(); e += 2) {
                    byRule.computeIfAbsent(c.get(e), r -> new IntList()).add(c.get(e + 1));
                }
            }
            int[] callRow = new int[byRule.size() * 2];
            int k = 0;
            for (Map.Entry<Integer, IntList> entry : byRule.entrySet()) {
                callRow[k++] = entry.getKey();
                callRow[k++] = intern(closure.of(entry.getValue().toArray(), entry.getValue().size()), ids, sets,
                        pending, budget);
            }
            while (rows.size() <= id) {
                rows.add(null);
                callRows.add(null);
            }
            rows.set(id, row);
            callRows.set(id, callRow);
        }
        int n = sets.size();
        int[] next = new int[n * 256];
        boolean[] accepting = new boolean[n];
        int[][] calls = new int[n][];
        for (int id = 0; id < n; id++) {
            System.arraycopy(rows.get(id), 0, next, id * 256, 256);
            accepting[id] = Arrays.binarySearch(sets.get(id), accept) >= 0;
            calls[id] = callRows.get(id);
        }
        return new Dfa(next, accepting, calls);
    }

    private static int intern(int[] set, Map<StateSet, Integer> ids, List<int[]> sets, Deque<Integer> pending,
            CompileBudget budget) {
        StateSet key = new StateSet(set);
        Integer id = ids.get(key);
        if (id != null) {
            return id;
        }
        budget.dfaState();
        int fresh = sets.size();
        ids.put(key, fresh);
        sets.add(set);
        pending.addLast(fresh);
        return fresh;
    }

    /** Epsilon closures, sorted, with a generation-stamped mark array instead of a fresh set per call. */
    private static final class Closure {
        private final Nfa nfa;
        private final int[] mark;
        private int stamp;
        private final IntList stack = new IntList();

        Closure(Nfa nfa) {
            this.nfa = nfa;
            this.mark = new int[nfa.size()];
        }

        int[] of(int[] seeds, int count) {
            stamp++;
            IntList out = new IntList();
            stack.clear();
            for (int i = 0; i < count; i++) {
                push(seeds[i], out);
            }
            while (stack.size() > 0) {
                int s = stack.get(stack.size() - 1);
                pop();
                IntList e = nfa.eps.get(s);
                for (int i = 0; i < e.size(); i++) {
                    push(e.get(i), out);
                }
            }
            int[] set = out.toArray();
            Arrays.sort(set);
            return set;
        }

        private void push(int s, IntList out) {
            if (mark[s] != stamp) {
                mark[s] = stamp;
                out.add(s);
                stack.add(s);
            }
        }

        private void pop() {
            stack.truncate(stack.size() - 1);
        }
    }

    /** A subset of NFA states as a map key. */
    private static final class StateSet {
        private final int[] states;
        private final int hash;

        StateSet(int[] states) {
            this.states = states;
            this.hash = Arrays.hashCode(states);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof StateSet other && hash == other.hash && Arrays.equals(states, other.states);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
