package dev.scion.engine.constrain;

import dev.scion.engine.text.TokenBytes;
import java.util.Arrays;

/**
 * The vocabulary's token byte strings in a trie, laid out in preorder with skip links: a mask is
 * one forward scan that advances the automaton by one byte per node and jumps over a whole
 * subtree as soon as its prefix leaves the language. Tokens without bytes of their own (added and
 * special tokens) are not in it, so they are never allowed by bytes.
 */
public final class TokenTrie {
    private final TokenBytes tokens;
    final byte[] label;     // (nodes) the byte leading into each node; node 0 is the root
    final int[] depth;      // (nodes)
    final int[] skip;       // (nodes) the first node after the node's subtree
    final int[] tokenStart; // (nodes + 1) tokens ending at node i are ids[tokenStart[i], tokenStart[i + 1])
    final int[] ids;
    final int maxDepth;

    private TokenTrie(TokenBytes tokens, byte[] label, int[] depth, int[] skip, int[] tokenStart, int[] ids,
            int maxDepth) {
        this.tokens = tokens;
        this.label = label;
        this.depth = depth;
        this.skip = skip;
        this.tokenStart = tokenStart;
        this.ids = ids;
        this.maxDepth = maxDepth;
    }

    public static TokenTrie of(TokenBytes tokens) {
        Integer[] order = new Integer[tokens.size()];
        int count = 0;
        long totalBytes = 0;
        for (int id = 0; id < tokens.size(); id++) {
            byte[] b = tokens.bytes(id);
            if (b != null && b.length > 0) {
                order[count++] = id;
                totalBytes += b.length;
            }
        }
        Integer[] sorted = Arrays.copyOf(order, count);
        Arrays.sort(sorted, (a, b) -> Arrays.compareUnsigned(tokens.bytes(a), tokens.bytes(b)));
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8, totalBytes + 1);
        byte[] label = new byte[capacity];
        int[] depth = new int[capacity];
        int[] skip = new int[capacity];
        int[] tokenStart = new int[capacity + 1];
        int[] ids = new int[count];
        int longest = 0;
        for (Integer id : sorted) {
            longest = Math.max(longest, tokens.bytes(id).length);
        }
        int[] path = new int[longest + 1]; // path[d]: the open node at depth d
        int nodes = 1;
        int open = 0; // depth of the deepest open node
        byte[] previous = new byte[0];
        for (int k = 0; k < count; k++) {
            byte[] b = tokens.bytes(sorted[k]);
            int common = 0;
            while (common < b.length && common < previous.length && b[common] == previous[common]) {
                common++;
            }
            for (int d = open; d > common; d--) {
                skip[path[d]] = nodes;
            }
            for (int d = common + 1; d <= b.length; d++) {
                label[nodes] = b[d - 1];
                depth[nodes] = d;
                tokenStart[nodes] = k;
                path[d] = nodes++;
            }
            open = b.length;
            ids[k] = sorted[k];
            previous = b;
        }
        for (int d = open; d > 0; d--) {
            skip[path[d]] = nodes;
        }
        skip[0] = nodes;
        // Nodes are made in preorder by tokens in sorted order, so a node's own tokens (itself and its
        // duplicates) run up to where the next node's token starts; inner nodes get an empty run.
        tokenStart[nodes] = count;
        return new TokenTrie(tokens, Arrays.copyOf(label, nodes), Arrays.copyOf(depth, nodes),
                Arrays.copyOf(skip, nodes), Arrays.copyOf(tokenStart, nodes + 1), ids, longest);
    }

    public int nodes() {
        return label.length;
    }

    /** One more than the largest token id. */
    public int vocabSize() {
        return tokens.size();
    }

    /** What a token writes, or null for tokens outside the trie. */
    public byte[] bytes(int id) {
        return id >= 0 && id < tokens.size() ? tokens.bytes(id) : null;
    }
}
