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
 * ints; only the other states go through {@link Grammar#advance}.
 */
public final class TokenMasks {
    static final long CACHE_BYTES = 8L << 20;

    private final Grammar grammar;
    private final TokenTrie trie;
    private final int words;
    private final Map<MatchState, long[]> cache;

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
        long[] bits = new long[words];
        if (start.isDead()) {
            return bits;
        }
        Cursors c = new Cursors(trie.maxDepth + 1);
        c.set(0, start);
        byte[] label = trie.label;
        int[] depth = trie.depth;
        int[] skip = trie.skip;
        int[] tokenStart = trie.tokenStart;
        int[] ids = trie.ids;
        int n = trie.nodes();
        int maxDepth = grammar.maxDepth;
        int i = 1;
        while (i < n) {
            int d = depth[i];
            int p = d - 1;
            int b = label[i] & 0xFF;
            boolean live;
            if (c.general[p] == null && grammar.plain[c.rule[p]][c.state[p]]) {
                int r = c.rule[p];
                int t = grammar.rules[r].next[c.state[p] * 256 + b];
                live = t != Dfa.DEAD && c.size[p] + grammar.need[r][t] <= maxDepth;
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
        return bits;
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
