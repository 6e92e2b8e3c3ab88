package dev.scion.engine.sampling;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

class TopSelectionTest {

    @Test
    void matchesAFullSortOnRandomRows() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + r.nextInt(300);
            float[] values = new float[n + 7];
            for (int i = 0; i < values.length; i++) {
                values[i] = r.nextInt(40) - 20; // many ties
            }
            int k = 1 + r.nextInt(n + 5);
            int[] expected = IntStream.range(0, n).boxed()
                    .sorted((a, b) -> values[7 + a] != values[7 + b] ? Float.compare(values[7 + b], values[7 + a]) : a - b)
                    .mapToInt(Integer::intValue).limit(k).toArray();
            assertArrayEquals(expected, TopSelection.top(values, 7, n, k), "n " + n + " k " + k);
        }
    }
}
