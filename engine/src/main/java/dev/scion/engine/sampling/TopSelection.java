package dev.scion.engine.sampling;

/**
 * The k largest entries of a row without sorting the row: a size-k min-heap, O(n log k). Ties go
 * to the lower index so results are deterministic.
 */
final class TopSelection {

    private TopSelection() {
    }

    /** Indices (relative to {@code offset}) of the k largest of {@code values[offset, offset + n)}, largest first. */
    static int[] top(float[] values, int offset, int n, int k) {
        k = Math.min(k, n);
        int[] heap = new int[k]; // (k) min-heap of indices by value: heap[0] is the weakest kept
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (size < k) {
                heap[size] = i;
                siftUp(heap, size++, values, offset);
            } else if (better(values, offset, i, heap[0])) {
                heap[0] = i;
                siftDown(heap, size, values, offset);
            }
        }
        int[] sorted = new int[size];
        for (int last = size - 1; last >= 0; last--) {
            sorted[last] = heap[0];
            heap[0] = heap[last];
            siftDown(heap, last, values, offset);
        }
        return sorted;
    }

    /** True if index a ranks above index b: larger value, or equal value and lower index. */
    private static boolean better(float[] values, int offset, int a, int b) {
        float va = values[offset + a];
        float vb = values[offset + b];
        return va > vb || (va == vb && a < b);
    }

    private static void siftUp(int[] heap, int at, float[] values, int offset) {
        while (at > 0) {
            int parent = (at - 1) / 2;
            if (!better(values, offset, heap[parent], heap[at])) {
                break;
            }
            swap(heap, at, parent);
            at = parent;
        }
    }

    private static void siftDown(int[] heap, int size, float[] values, int offset) {
        int at = 0;
        while (true) {
            int left = 2 * at + 1;
            if (left >= size) {
                return;
            }
            int weakest = left;
            int right = left + 1;
            if (right < size && better(values, offset, heap[left], heap[right])) {
                weakest = right;
            }
            if (!better(values, offset, heap[at], heap[weakest])) {
                return;
            }
            swap(heap, at, weakest);
            at = weakest;
        }
    }

    private static void swap(int[] heap, int a, int b) {
        int t = heap[a];
        heap[a] = heap[b];
        heap[b] = t;
    }
}
