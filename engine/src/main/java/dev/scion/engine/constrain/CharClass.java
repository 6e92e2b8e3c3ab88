package dev.scion.engine.constrain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A set of code points as sorted, merged inclusive ranges, for regex classes, escapes and {@code .}. */
final class CharClass {
    private final List<int[]> ranges = new ArrayList<>();

    static CharClass of(int lo, int hi) {
        CharClass c = new CharClass();
        c.add(lo, hi);
        return c;
    }

    static CharClass digit() {
        return of('0', '9');
    }

    static CharClass word() {
        CharClass c = of('0', '9');
        c.add('A', 'Z');
        c.add('_', '_');
        c.add('a', 'z');
        return c;
    }

    static CharClass space() {
        CharClass c = of('\t', '\r'); // \t \n \v \f \r
        c.add(' ', ' ');
        return c;
    }

    void add(int lo, int hi) {
        ranges.add(new int[] {lo, hi});
    }

    void addAll(CharClass other) {
        ranges.addAll(other.ranges);
    }

    /** Every code point not in this set. */
    CharClass complement() {
        CharClass out = new CharClass();
        int next = 0;
        for (int[] r : merged()) {
            if (r[0] > next) {
                out.add(next, r[0] - 1);
            }
            next = r[1] + 1;
        }
        if (next <= Utf8.MAX_CODE_POINT) {
            out.add(next, Utf8.MAX_CODE_POINT);
        }
        return out;
    }

    List<int[]> merged() {
        List<int[]> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingInt(r -> r[0]));
        List<int[]> out = new ArrayList<>();
        for (int[] r : sorted) {
            if (!out.isEmpty() && r[0] <= out.get(out.size() - 1)[1] + 1) {
                int[] last = out.get(out.size() - 1);
                last[1] = Math.max(last[1], r[1]);
            } else {
                out.add(new int[] {r[0], r[1]});
            }
        }
        return out;
    }

    Expr expr() {
        return Utf8.ranges(merged());
    }
}
