package dev.scion.engine.runtime;

import java.util.ArrayDeque;
import java.util.Deque;

/** Hands out KV-cache slots; one running sequence holds one slot. Not thread-safe: the engine loop owns it. */
public final class SlotPool {
    private final Deque<Integer> free = new ArrayDeque<>();
    private final boolean[] leased;

    public SlotPool(int slots) {
        leased = new boolean[slots];
        for (int i = 0; i < slots; i++) {
            free.addLast(i);
        }
    }

    /** A free slot, or -1 when all are leased. */
    public int acquire() {
        Integer slot = free.pollFirst();
        if (slot == null) {
            return -1;
        }
        leased[slot] = true;
        return slot;
    }

    public void release(int slot) {
        if (!leased[slot]) {
            throw new IllegalStateException("slot " + slot + " released twice");
        }
        leased[slot] = false;
        free.addLast(slot);
    }

    public int inUse() {
        return leased.length - free.size();
    }

    public int capacity() {
        return leased.length;
    }
}
