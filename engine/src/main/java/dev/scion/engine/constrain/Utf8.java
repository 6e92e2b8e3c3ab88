package dev.scion.engine.constrain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Code-point ranges as byte languages of valid UTF-8 (the split of RE2 and Rust's utf8-ranges):
 * a range is cut where the encoded length changes, then where its continuation bytes stop
 * covering all of 0x80..0xBF, until each piece is a plain sequence of byte ranges. Surrogates
 * (U+D800..U+DFFF) are never included: they are not characters and not valid UTF-8.
 */
final class Utf8 {
    static final int MAX_CODE_POINT = 0x10FFFF;
    private static final int[] LENGTH_ENDS = {0x7F, 0x7FF, 0xFFFF, MAX_CODE_POINT};

    private Utf8() {}

    /** Every character from {@code min} up, except the given ones (which must be sorted, ASCII and at least min). */
    static Expr anyCharacterFrom(int min, char... excluded) {
        List<int[]> ranges = new ArrayList<>();
        int lo = min;
        for (char c : excluded) {
            if (c > lo) {
                ranges.add(new int[] {lo, c - 1});
            }
            lo = c + 1;
        }
        ranges.add(new int[] {lo, MAX_CODE_POINT});
        return ranges(ranges);
    }

    /** The union of inclusive code-point ranges. */
    static Expr ranges(List<int[]> ranges) {
        List<Expr> out = new ArrayList<>();
        for (int[] r : ranges) {
            addWithoutSurrogates(r[0], r[1], out);
        }
        if (out.isEmpty()) {
            throw new InvalidConstraintException("a character class that matches no character");
        }
        return Expr.alt(out);
    }

    private static void addWithoutSurrogates(int lo, int hi, List<Expr> out) {
        if (lo <= 0xDFFF && hi >= 0xD800) {
            if (lo < 0xD800) {
                split(lo, 0xD7FF, out);
            }
            if (hi > 0xDFFF) {
                split(0xE000, hi, out);
            }
            return;
        }
        if (lo <= hi) {
            split(lo, hi, out);
        }
    }

    private static void split(int lo, int hi, List<Expr> out) {
        for (int end : LENGTH_ENDS) {
            if (lo <= end && hi > end) {
                split(lo, end, out);
                split(end + 1, hi, out);
                return;
            }
        }
        int n = length(lo);
        for (int i = 1; i < n; i++) {
            int m = (1 << (6 * i)) - 1;
            if ((lo & ~m) != (hi & ~m)) {
                if ((lo & m) != 0) {
                    split(lo, lo | m, out);
                    split((lo | m) + 1, hi, out);
                    return;
                }
                if ((hi & m) != m) {
                    split(lo, (hi & ~m) - 1, out);
                    split(hi & ~m, hi, out);
                    return;
                }
            }
        }
        byte[] a = encode(lo);
        byte[] b = encode(hi);
        List<Expr> parts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            parts.add(Expr.range(a[i] & 0xFF, b[i] & 0xFF));
        }
        out.add(parts.size() == 1 ? parts.get(0) : new Expr.Seq(parts));
    }

    private static int length(int cp) {
        return cp <= 0x7F ? 1 : cp <= 0x7FF ? 2 : cp <= 0xFFFF ? 3 : 4;
    }

    static byte[] encode(int cp) {
        return Arrays.copyOf(new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                length(cp));
    }
}
