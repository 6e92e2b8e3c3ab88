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
        IntList seeds = new IntList();
        seeds.add(start);
        intern(closure.of(seeds), ids, sets, pending, budget);
        int[] table = new int[256 * 64]; // grows; rows are written in place
        List<int[]> callRows = new ArrayList<>();
        boolean[] cut = new boolean[257];
        // Within one state many byte intervals lead to the same single NFA state (a string's character ranges):
        // its closure is looked up once per state instead of once per interval.
        int[] memoOwner = new int[nfa.size()];
        int[] memoTarget = new int[nfa.size()];
        Arrays.fill(memoOwner, -1);
        while (!pending.isEmpty()) {
            int id = pending.removeFirst();
            int[] set = sets.get(id);
            if (table.length < (id + 1) * 256) {
                table = Arrays.copyOf(table, Math.max(table.length * 2, (id + 1) * 256));
            }
            int row = id * 256;
            Arrays.fill(table, row, row + 256, DEAD);
            Arrays.fill(cut, false);
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
                if (seeds.size() == 1 && memoOwner[seeds.get(0)] == id) {
                    Arrays.fill(table, row + lo, row + hi, memoTarget[seeds.get(0)]);
                } else if (seeds.size() > 0) {
                    int target = intern(closure.of(seeds), ids, sets, pending, budget);
                    Arrays.fill(table, row + lo, row + hi, target);
                    if (seeds.size() == 1) {
                        memoOwner[seeds.get(0)] = id;
                        memoTarget[seeds.get(0)] = target;
                    }
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
                callRow[k++] = intern(closure.of(entry.getValue()), ids, sets, pending, budget);
            }
            while (callRows.size() <= id) {
                callRows.add(null);
            }
            callRows.set(id, callRow);
        }
        int n = sets.size();
        boolean[] accepting = new boolean[n];
        int[][] calls = new int[n][];
        for (int id = 0; id < n; id++) {
            accepting[id] = Arrays.binarySearch(sets.get(id), accept) >= 0;
            calls[id] = callRows.get(id);
        }
        return new Dfa(Arrays.copyOf(table, n * 256), accepting, calls);
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
        private final IntList out = new IntList();

        Closure(Nfa nfa) {
            this.nfa = nfa;
            this.mark = new int[nfa.size()];
        }

        int[] of(IntList seeds) {
            stamp++;
            out.clear();
            stack.clear();
            for (int i = 0; i < seeds.size(); i++) {
                push(seeds.get(i), out);
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
