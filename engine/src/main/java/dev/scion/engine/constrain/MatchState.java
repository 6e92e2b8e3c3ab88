package dev.scion.engine.constrain;

import java.util.Arrays;
import java.util.List;

/**
 * Where a match stands after some bytes: the stacks of every way the bytes so far can be read
 * (almost always one; {@code anyOf} alternatives that share a prefix keep several until the bytes
 * tell them apart). Immutable, with value equality, so it keys the cache of token masks.
 */
public final class MatchState {
    /** No way to read the bytes: the output left the language. */
    public static final MatchState DEAD = new MatchState(new Frame[0]);

    final Frame[] stacks;
    private final int hash;

    MatchState(Frame[] stacks) {
        this.stacks = stacks;
        int h = 0;
        for (Frame f : stacks) {
            h += f.hashCode(); // order-free: the same stacks found in another order are the same state
        }
        this.hash = h;
    }

    static MatchState of(List<Frame> stacks) {
        return stacks.isEmpty() ? DEAD : new MatchState(stacks.toArray(new Frame[0]));
    }

    public boolean isDead() {
        return stacks.length == 0;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof MatchState other) || hash != other.hash || stacks.length != other.stacks.length) {
            return false;
        }
        if (stacks.length == 1) {
            return stacks[0].equals(other.stacks[0]);
        }
        return Arrays.asList(stacks).containsAll(Arrays.asList(other.stacks));
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
