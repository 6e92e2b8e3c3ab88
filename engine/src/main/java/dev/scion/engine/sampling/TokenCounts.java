package dev.scion.engine.sampling;

import java.util.Arrays;

/**
 * How often each token id occurred, with the distinct ids listed so that penalties touch only the
 * tokens that occurred instead of the whole vocabulary row.
 */
final class TokenCounts {

    private int[] countById = new int[0]; // (largest id seen + 1) occurrences per id, grown on demand
    private int[] distinct = new int[16]; // (distinctCount) ids with a count above 0, in first-seen order
    private int distinctCount;

    void add(int id) {
        if (id < 0) {
            throw new IllegalArgumentException("token id " + id + " is negative");
        }
        if (id >= countById.length) {
            countById = Arrays.copyOf(countById, Math.max(id + 1, countById.length * 2));
        }
        if (countById[id]++ == 0) {
            if (distinctCount == distinct.length) {
                distinct = Arrays.copyOf(distinct, distinctCount * 2);
            }
            distinct[distinctCount++] = id;
        }
    }

    int count(int id) {
        return id >= 0 && id < countById.length ? countById[id] : 0;
    }

    int distinctCount() {
        return distinctCount;
    }

    int distinctId(int index) {
        return distinct[index];
    }
}
