package dev.scion.engine.constrain;

import java.util.Arrays;
import java.util.Set;

/**
 * One sequence's progress through a constraint: masks its logits row before sampling and
 * advances with each sampled token's bytes. The end ids are allowed only where the output is a
 * complete document; every other token only when its bytes keep the output inside the language,
 * so a complete document with no continuation leaves nothing but the end ids. Only the generating
 * thread uses it.
 */
public final class Guide {
    private final TokenMasks masks;
    private final Grammar grammar;
    private final int[] endIds;
    private MatchState state;

    Guide(TokenMasks masks, Set<Integer> endIds) {
        this.masks = masks;
        this.grammar = masks.grammar();
        this.endIds = endIds.stream().mapToInt(Integer::intValue).sorted().toArray();
        this.state = grammar.start();
    }

    /** Sets every token the constraint forbids in {@code logits[offset, offset + vocab)} to -infinity. */
    public void mask(float[] logits, int offset, int vocab) {
        long[] allowed = masks.allowed(state);
        boolean complete = grammar.accepting(state);
        float[] ends = new float[endIds.length];
        for (int k = 0; k < endIds.length; k++) {
            ends[k] = endIds[k] < vocab ? logits[offset + endIds[k]] : 0f;
        }
        for (int w = 0; w * 64 < vocab; w++) {
            long bits = w < allowed.length ? allowed[w] : 0L;
            int from = offset + w * 64;
            int to = offset + Math.min(vocab, w * 64 + 64);
            if (bits == 0L) {
                Arrays.fill(logits, from, to, Float.NEGATIVE_INFINITY);
            } else if (bits != -1L) {
                for (int i = from; i < to; i++) {
                    if ((bits & (1L << (i - from))) == 0) {
                        logits[i] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }
        for (int k = 0; k < endIds.length; k++) {
            if (endIds[k] < vocab) {
                logits[offset + endIds[k]] = complete ? ends[k] : Float.NEGATIVE_INFINITY;
            }
        }
        if (!anyFinite(logits, offset, vocab)) { // only a vocabulary that cannot spell some byte gets here
            throw new IllegalStateException("the constraint allows no token of this vocabulary here");
        }
    }

    /** Moves past a sampled token. */
    public void advance(int tokenId) {
        if (isEnd(tokenId)) {
            if (!grammar.accepting(state)) {
                throw new IllegalStateException("end token " + tokenId + " before the document is complete");
            }
            return;
        }
        byte[] bytes = masks.trie().bytes(tokenId);
        MatchState next = bytes == null ? MatchState.DEAD : grammar.advance(state, bytes);
        if (next.isDead()) {
            throw new IllegalStateException("token " + tokenId + " leaves the constraint's language");
        }
        state = next;
    }

    /** Whether the id ends the sequence (and so is allowed only once the document is complete). */
    public boolean isEnd(int tokenId) {
        return Arrays.binarySearch(endIds, tokenId) >= 0;
    }

    /** Whether the output so far is a complete document. */
    public boolean complete() {
        return grammar.accepting(state);
    }

    public MatchState state() {
        return state;
    }

    private static boolean anyFinite(float[] logits, int offset, int vocab) {
        for (int i = offset; i < offset + vocab; i++) {
            if (logits[i] != Float.NEGATIVE_INFINITY) {
                return true;
            }
        }
        return false;
    }
}
