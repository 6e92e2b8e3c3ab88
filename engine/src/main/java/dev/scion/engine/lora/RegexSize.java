package dev.scion.engine.lora;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An upper bound on the size of the program RE2 compiles a regular expression to, read from its text without
 * compiling it: every literal, class, escape and operator counts one, and a counted repetition {@code x{n,m}} counts
 * {@code x} m times (RE2 unrolls it into copies, and nested ones multiply: {@code ((.{0,30}){30}){30}} is 19
 * characters and 27,000 copies). RE2's matching time grows with that size, and compiling alone can take seconds,
 * so the bound is checked before compiling. Text RE2 would refuse anyway may be misjudged either way; it is refused
 * when compiled.
 */
final class RegexSize {
    /** Far above any bound the caller checks; saturating here keeps nested repetitions from overflowing. */
    private static final long CAP = 1L << 40;

    private RegexSize() {}

    static long unrolled(String regex) {
        Deque<long[]> levels = new ArrayDeque<>(); // per open group: {its size so far, the size of its last item}
        levels.push(new long[2]);
        int n = regex.length();
        int i = 0;
        while (i < n) {
            char c = regex.charAt(i);
            long[] top = levels.peek();
            if (c == '\\' && i + 1 < n && regex.charAt(i + 1) == 'Q') { // \Q...\E: each character a literal
                int end = regex.indexOf("\\E", i + 2);
                int stop = end < 0 ? n : end;
                for (int k = i + 2; k < stop; k++) {
                    item(top, 1);
                }
                i = end < 0 ? n : end + 2;
            } else if (c == '\\') {
                item(top, 1);
                i = afterEscape(regex, i);
            } else if (c == '[') {
                item(top, 1);
                i = afterClass(regex, i);
            } else if (c == '(') {
                i = openGroup(regex, i, levels);
            } else if (c == ')') {
                if (levels.size() > 1) {
                    levels.pop();
                    item(levels.peek(), Math.max(1, top[0]));
                }
                i++;
            } else if (c == '{' && repeatEnd(regex, i) > 0) {
                int close = repeatEnd(regex, i);
                long copies = Math.max(1, repeatCopies(regex.substring(i + 1, close)));
                top[0] = sat(top[0] + sat(top[1] * (copies - 1)));
                top[1] = sat(top[1] * copies);
                i = close + 1;
            } else if (c == '*' || c == '+' || c == '?' || c == '|') {
                top[0] = sat(top[0] + 1); // a loop or a split
                if (c == '|') {
                    top[1] = 0;
                }
                i++;
            } else {
                item(top, 1);
                i++;
            }
        }
        long total = 0;
        for (long[] level : levels) {
            total = sat(total + level[0]);
        }
        return total;
    }

    private static void item(long[] level, long size) {
        level[0] = sat(level[0] + size);
        level[1] = size;
    }

    private static long sat(long v) {
        return v < 0 || v > CAP ? CAP : v;
    }

    /** Past a backslash escape: {@code \p{Greek}} and {@code \x{263a}} take their braces along. */
    private static int afterEscape(String regex, int i) {
        int n = regex.length();
        if (i + 1 >= n) {
            return n;
        }
        char e = regex.charAt(i + 1);
        if ((e == 'p' || e == 'P' || e == 'x') && i + 2 < n && regex.charAt(i + 2) == '{') {
            int close = regex.indexOf('}', i + 3);
            return close < 0 ? n : close + 1;
        }
        return (e == 'p' || e == 'P') ? Math.min(n, i + 3) : i + 2;
    }

    /** Past a character class, {@code []a]} and {@code [[:alpha:]]} included. */
    private static int afterClass(String regex, int i) {
        int n = regex.length();
        int j = i + 1;
        if (j < n && regex.charAt(j) == '^') {
            j++;
        }
        if (j < n && regex.charAt(j) == ']') {
            j++;
        }
        while (j < n) {
            char c = regex.charAt(j);
            if (c == '\\') {
                j += 2;
            } else if (c == '[' && j + 1 < n && regex.charAt(j + 1) == ':') {
                int close = regex.indexOf(":]", j + 2);
                j = close < 0 ? j + 1 : close + 2;
            } else if (c == ']') {
                return j + 1;
            } else {
                j++;
            }
        }
        return n;
    }

    /** Opens a group, past its header ({@code (?:}, {@code (?P<name>}, {@code (?i:}); {@code (?i)} opens none. */
    private static int openGroup(String regex, int i, Deque<long[]> levels) {
        int n = regex.length();
        if (i + 1 < n && regex.charAt(i + 1) == '?') {
            if (regex.startsWith("P<", i + 2)) {
                int close = regex.indexOf('>', i + 4);
                levels.push(new long[2]);
                return close < 0 ? n : close + 1;
            }
            int j = i + 2;
            while (j < n && "imsU-".indexOf(regex.charAt(j)) >= 0) {
                j++;
            }
            if (j < n && regex.charAt(j) == ')') {
                return j + 1; // flags for the rest of the group: no group of its own
            }
            levels.push(new long[2]);
            return j < n && regex.charAt(j) == ':' ? j + 1 : i + 2;
        }
        levels.push(new long[2]);
        return i + 1;
    }

    /** The index of the closing brace of a counted repetition at {@code i} ({n}, {n,}, {n,m}), or -1 if none. */
    private static int repeatEnd(String regex, int i) {
        int close = regex.indexOf('}', i + 1);
        if (close < 0 || !regex.substring(i + 1, close).matches("[0-9]{1,9}(,[0-9]{0,9})?")) {
            return -1;
        }
        return close;
    }

    /** How many copies RE2 makes: m for {n,m}, n for {n}, and n + 1 for {n,} (n copies and a loop). */
    private static long repeatCopies(String counts) {
        int comma = counts.indexOf(',');
        if (comma < 0) {
            return Long.parseLong(counts);
        }
        String max = counts.substring(comma + 1);
        return max.isEmpty() ? Long.parseLong(counts.substring(0, comma)) + 1 : Long.parseLong(max);
    }
}
