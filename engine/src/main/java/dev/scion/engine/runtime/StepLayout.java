package dev.scion.engine.runtime;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How one step's chunks map onto rows: single-token (decode) chunks first, so attention can treat
 * them as one batch, then multi-token (prefill) chunks, each attended on its own. Logits come
 * back in the caller's chunk order. Also the one place that checks a step's inputs.
 */
record StepLayout(
        long[] tokenIds, // (rows)
        long[] positions, // (rows)
        long[] flatIndices, // (rows): slot * maxLen + position, the cache row each token writes
        int[] rowAdapters, // (rows): adapter index or -1
        long[] lastRows, // (chunks, caller order): the row of each chunk's last token
        int decodeRows, // rows [0, decodeRows) are single-token chunks
        int[] decodeSlots, // (decodeRows)
        List<Prefill> prefills) {

    /** A multi-token chunk occupying rows [firstRow, firstRow + length). */
    record Prefill(int firstRow, int slot, int startPosition, int length) {}

    static StepLayout of(List<SequenceChunk> chunks, KvCache cache, LoraBatch lora, int vocab, int maxPositions) {
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("a step needs at least one chunk");
        }
        int limit = Math.min(cache.maxLen(), maxPositions);
        Set<Integer> slots = new HashSet<>();
        int rows = 0;
        for (SequenceChunk c : chunks) {
            if (c.slot() < 0 || c.slot() >= cache.slots()) {
                throw new IllegalArgumentException("slot " + c.slot() + " outside the cache's " + cache.slots());
            }
            if (!slots.add(c.slot())) {
                throw new IllegalArgumentException("two chunks in one step use slot " + c.slot());
            }
            if (c.startPosition() < 0 || c.endPosition() > limit) {
                throw new IllegalArgumentException("positions " + c.startPosition() + ".." + c.endPosition()
                        + " exceed the context of " + limit);
            }
            if (c.adapter() < -1 || c.adapter() >= lora.adapters().size()) {
                throw new IllegalArgumentException("adapter index " + c.adapter() + " not in this batch");
            }
            for (int t : c.tokens()) {
                if (t < 0 || t >= vocab) {
                    throw new IllegalArgumentException("token id " + t + " outside the vocabulary of " + vocab);
                }
            }
            rows += c.tokens().length;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            if (chunks.get(i).tokens().length == 1) {
                order.add(i);
            }
        }
        int decodeRows = order.size();
        for (int i = 0; i < chunks.size(); i++) {
            if (chunks.get(i).tokens().length > 1) {
                order.add(i);
            }
        }
        long[] ids = new long[rows];
        long[] positions = new long[rows];
        long[] flat = new long[rows];
        int[] adapters = new int[rows];
        long[] lastRows = new long[chunks.size()];
        int[] decodeSlots = new int[decodeRows];
        List<Prefill> prefills = new ArrayList<>();
        int row = 0;
        for (int i : order) {
            SequenceChunk c = chunks.get(i);
            if (c.tokens().length > 1) {
                prefills.add(new Prefill(row, c.slot(), c.startPosition(), c.tokens().length));
            } else {
                decodeSlots[row] = c.slot();
            }
            for (int t = 0; t < c.tokens().length; t++, row++) {
                ids[row] = c.tokens()[t];
                positions[row] = c.startPosition() + t;
                flat[row] = cache.flatIndex(c.slot(), c.startPosition() + t);
                adapters[row] = c.adapter();
            }
            lastRows[i] = row - 1;
        }
        return new StepLayout(ids, positions, flat, adapters, lastRows, decodeRows, decodeSlots, List.copyOf(prefills));
    }
}
