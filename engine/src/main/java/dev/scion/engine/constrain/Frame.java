package dev.scion.engine.constrain;

/**
 * One level of a match's stack: a rule and its automaton state, above the frame it returns to.
 * Immutable and shared between the stacks that grow from it, so advancing allocates only the top.
 */
final class Frame {
    final int rule;
    final int state;
    final Frame parent; // null at the bottom
    final int size;     // frames from the bottom up to this one, itself included
    private final int hash;

    Frame(int rule, int state, Frame parent) {
        this.rule = rule;
        this.state = state;
        this.parent = parent;
        this.size = parent == null ? 1 : parent.size + 1;
        this.hash = (31 * rule + state) * 31 + (parent == null ? 0 : parent.hash);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Frame other) || hash != other.hash) {
            return false;
        }
        Frame a = this;
        Frame b = other;
        while (a != null && b != null) {
            if (a == b) {
                return true;
            }
            if (a.rule != b.rule || a.state != b.state) {
                return false;
            }
            a = a.parent;
            b = b.parent;
        }
        return a == b;
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
