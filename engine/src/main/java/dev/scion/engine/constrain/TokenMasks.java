package dev.scion.engine.constrain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tokens a grammar allows in a state, as a bit set over token ids: the trie walked with the
 * automaton, pruned at dead states. Masks are cached per state (an LRU bounded to
 * {@link #CACHE_BYTES}), and shared by every sequence decoding the same grammar, since most steps
 * of a document revisit a state (inside a string, after a comma) it has been in before.
 *
 * <p>The walk keeps the common case allocation-free: while the top frame is in a state with no
 * calls and no acceptance, a byte can only move within that rule's table, so the cursor is three
 * ints; only the other states go through {@link Grammar#advance}. From such a plain state the part
 * of the mask that the rest of the stack cannot change is cached per (rule, state) as well
 * ({@code PlainWalk}), which makes the masks inside strings cheap for every string after the first.
 */
public final class TokenMasks {
    static final long CACHE_BYTES = 8L << 20;

    private final Grammar grammar;
    private final TokenTrie trie;
    private final int words;
    private final Map<MatchState, long[]> cache;
    private final Map<Long, PlainWalk> plainWalks; // guarded by cache's lock

    public TokenMasks(Grammar grammar, TokenTrie trie) {
        this.grammar = grammar;
        this.trie = trie;
        this.words = (trie.vocabSize() + 63) >>> 6;
        int entries = (int) Math.max(16, CACHE_BYTES / (8L * words));
        this.cache = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<MatchState, long[]> eldest) {
                return size() > entries;
            }
        };
        int walks = Math.max(4, entries / 4);
        this.plainWalks = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, PlainWalk> eldest) {
                return size() > walks;
            }
        };
    }

    public Grammar grammar() {
        return grammar;
    }

    public TokenTrie trie() {
        return trie;
    }

    /** Bit {@code id} set where the token's bytes keep the output in the language; the caller must not modify it. */
    public long[] allowed(MatchState state) {
        synchronized (cache) {
            long[] hit = cache.get(state);
            if (hit != null) {
                return hit;
            }
        }
        long[] mask = compute(state);
        synchronized (cache) {
            cache.put(state, mask);
        }
        return mask;
    }

    int cachedMasks() {
        synchronized (cache) {
            return cache.size();
        }
    }

    private long[] compute(MatchState start) {
        long[] bits;
        Cursors c = new Cursors(trie.maxDepth + 1);
        if (start.stacks.length == 1 && grammar.plain[start.stacks[0].rule][start.stacks[0].state]) {
            Frame top = start.stacks[0];
            PlainWalk plain = plainWalk(top.rule, top.state);
            if (top.size + plain.maxNeed <= grammar.limit[top.rule]) {
                bits = plain.bits.clone();
                for (int k = 0; k < plain.boundaryNodes.length; k++) {
                    int node = plain.boundaryNodes[k];
                    int d = trie.depth[node];
                    c.general[d] = null;
                    c.below[d] = top.parent;
                    c.rule[d] = top.rule;
                    c.state[d] = plain.boundaryStates[k];
                    c.size[d] = top.size;
                    walk(node + 1, trie.skip[node], c, bits);
                }
                return bits;
            }
        }
        bits = new long[words];
        if (!start.isDead()) {
            c.set(0, start);
            walk(1, trie.nodes(), c, bits);
        }
        return bits;
    }

    /** Sets the bits of the tokens at nodes [from, to) that the automaton allows; each node's parent cursor is set. */
    private void walk(int from, int to, Cursors c, long[] bits) {
        byte[] label = trie.label;
        int[] depth = trie.depth;
        int[] skip = trie.skip;
        int[] tokenStart = trie.tokenStart;
        int[] ids = trie.ids;
        int i = from;
        while (i < to) {
            int d = depth[i];
            int p = d - 1;
            int b = label[i] & 0xFF;
            boolean live;
            if (c.general[p] == null && grammar.plain[c.rule[p]][c.state[p]]) {
                int r = c.rule[p];
                int t = grammar.rules[r].next[c.state[p] * 256 + b];
                live = t != Dfa.DEAD && c.size[p] + grammar.need[r][t] <= grammar.limit[r];
                if (live) {
                    c.general[d] = null;
                    c.below[d] = c.below[p];
                    c.rule[d] = r;
                    c.state[d] = t;
                    c.size[d] = c.size[p];
                }
            } else {
                MatchState next = grammar.advance(c.get(p), b);
                live = !next.isDead();
                if (live) {
                    c.set(d, next);
                }
            }
            if (!live) {
                i = skip[i];
                continue;
            }
            for (int k = tokenStart[i]; k < tokenStart[i + 1]; k++) {
                bits[ids[k] >>> 6] |= 1L << ids[k];
            }
            i++;
        }
    }

    private PlainWalk plainWalk(int rule, int state) {
        long key = ((long) rule << 32) | state;
        synchronized (cache) {
            PlainWalk hit = plainWalks.get(key);
            if (hit != null) {
                return hit;
            }
        }
        PlainWalk walk = PlainWalk.of(grammar, trie, rule, state, words);
        synchronized (cache) {
            plainWalks.put(key, walk);
        }
        return walk;
    }

    /**
     * The part of a mask that depends only on the top frame's rule and state, when that state is plain: the
     * tokens whose bytes stay within the rule ({@code bits}), and the trie nodes where the bytes reach a state
     * with calls or acceptance, below which the rest of the stack decides ({@code boundaryNodes}, with the
     * state reached there). Inside a string nearly every token is of the first kind and only those holding
     * the closing quote are walked per stack, so all the strings of a grammar share one walk of the trie.
     *
     * @param maxNeed the most stack levels any state on the way needs: the bits hold for any stack with room for it
     */
    private record PlainWalk(long[] bits, int maxNeed, int[] boundaryNodes, int[] boundaryStates) {
        static PlainWalk of(Grammar grammar, TokenTrie trie, int rule, int state, int words) {
            long[] bits = new long[words];
            int maxNeed = 0;
            IntList nodes = new IntList();
            IntList states = new IntList();
            int[] next = grammar.rules[rule].next;
            int[] need = grammar.need[rule];
            boolean[] plain = grammar.plain[rule];
            int[] at = new int[trie.maxDepth + 1];
            at[0] = state;
            int n = trie.nodes();
            int i = 1;
            while (i < n) {
                int d = trie.depth[i];
                int t = next[at[d - 1] * 256 + (trie.label[i] & 0xFF)];
                if (t == Dfa.DEAD) {
                    i = trie.skip[i];
                    continue;
                }
                maxNeed = Math.max(maxNeed, need[t]);
                for (int k = trie.tokenStart[i]; k < trie.tokenStart[i + 1]; k++) {
                    bits[trie.ids[k] >>> 6] |= 1L << trie.ids[k];
                }
                if (!plain[t]) {
                    nodes.add(i);
                    states.add(t);
                    i = trie.skip[i];
                    continue;
                }
                at[d] = t;
                i++;
            }
            return new PlainWalk(bits, maxNeed, nodes.toArray(), states.toArray());
        }
    }

    /** The automaton's position at each trie depth: a plain top frame as ints, anything else as a state. */
    private static final class Cursors {
        final MatchState[] general;
        final Frame[] below;
        final int[] rule;
        final int[] state;
        final int[] size;

        Cursors(int depths) {
            general = new MatchState[depths];
            below = new Frame[depths];
            rule = new int[depths];
            state = new int[depths];
            size = new int[depths];
        }

        void set(int d, MatchState s) {
            if (s.stacks.length == 1) {
                Frame top = s.stacks[0];
                general[d] = null;
                below[d] = top.parent;
                rule[d] = top.rule;
                state[d] = top.state;
                size[d] = top.size;
            } else {
                general[d] = s;
            }
        }

        MatchState get(int d) {
            return general[d] != null ? general[d]
                    : new MatchState(new Frame[] {new Frame(rule[d], state[d], below[d])});
        }
    }
}
