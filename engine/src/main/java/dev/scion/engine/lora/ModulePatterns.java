package dev.scion.engine.lora;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The regular expressions of one {@code adapter_config.json} ({@code target_modules} as a string, the keys of
 * {@code rank_pattern} and {@code alpha_pattern}), checked and compiled once, with PEFT's meaning: the target regex
 * must match the whole module path, a key the path or any dotted suffix of it.
 *
 * <p>The config comes from clients, and {@code java.util.regex} backtracks: one pattern took 6.5 s to match a
 * handful of module paths. So patterns are matched with RE2/J, in time linear in the path, which refuses what only
 * backtracking can do (lookaround, backreferences); and they are bounded, since RE2's time also grows with the
 * compiled pattern: each at most {@link #MAX_PATTERN_CHARS} characters, at most {@link #MAX_KEYS} keys a map, and
 * all of a config's patterns together at most {@link #MAX_UNROLLED_SIZE} once counted repetitions are unrolled
 * ({@link RegexSize}). Keys of letters, digits, {@code _}, {@code -} and {@code .} (the usual module names and
 * paths) are compared character by character instead, {@code .} matching any character as in the regex, and count
 * against the length bound only.
 */
final class ModulePatterns {
    static final int MAX_PATTERN_CHARS = 256;
    static final int MAX_KEYS = 1024;
    /** At the bound, the worst patterns (alternations under stars) take about 0.5 s for 896 modules (128 layers). */
    static final int MAX_UNROLLED_SIZE = 512;

    /** One key or target pattern. */
    private interface PathPattern {
        boolean matches(String path);
    }

    private record Keyed<V>(PathPattern pattern, V value) {}

    private final PathPattern targets;
    private final List<Keyed<Integer>> ranks;
    private final List<Keyed<Double>> alphas;

    private ModulePatterns(PathPattern targets, List<Keyed<Integer>> ranks, List<Keyed<Double>> alphas) {
        this.targets = targets;
        this.ranks = ranks;
        this.alphas = alphas;
    }

    /**
     * @param targetRegex {@code target_modules} in its string form, or null for the list form
     * @throws IllegalArgumentException naming the field: a pattern RE2 refuses, or one beyond a bound
     */
    static ModulePatterns of(String targetRegex, Map<String, Integer> rankPattern, Map<String, Double> alphaPattern) {
        long[] unrolled = {0};
        PathPattern targets = targetRegex == null ? null : pattern("target_modules", targetRegex, false, unrolled);
        return new ModulePatterns(targets, keyed("rank_pattern", rankPattern, unrolled),
                keyed("alpha_pattern", alphaPattern, unrolled));
    }

    /** Whether the string-form {@code target_modules} matches the whole path; false for the list form. */
    boolean targetRegexMatches(String path) {
        return targets != null && targets.matches(path);
    }

    /** The value of the first {@code rank_pattern} key matching the path, or null. */
    Integer rankFor(String path) {
        return first(ranks, path);
    }

    /** The value of the first {@code alpha_pattern} key matching the path, or null. */
    Double alphaFor(String path) {
        return first(alphas, path);
    }

    private static <V> V first(List<Keyed<V>> keys, String path) {
        for (Keyed<V> k : keys) {
            if (k.pattern().matches(path)) {
                return k.value();
            }
        }
        return null;
    }

    private static <V> List<Keyed<V>> keyed(String field, Map<String, V> keys, long[] unrolled) {
        if (keys.size() > MAX_KEYS) {
            throw new IllegalArgumentException(field + " has " + keys.size() + " keys; at most " + MAX_KEYS);
        }
        List<Keyed<V>> out = new ArrayList<>(keys.size());
        keys.forEach((key, value) -> out.add(new Keyed<>(pattern(field, key, true, unrolled), value)));
        return out;
    }

    /** @param unrolled the unrolled size of the config's patterns so far, which this one adds to */
    private static PathPattern pattern(String field, String regex, boolean key, long[] unrolled) {
        String what = field + (key ? " key " + quote(regex) : "");
        if (regex.length() > MAX_PATTERN_CHARS) {
            throw new IllegalArgumentException(what + ": the pattern has " + regex.length() + " characters; at most "
                    + MAX_PATTERN_CHARS);
        }
        if (regex.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '-' || c == '.')
                && !regex.isEmpty()) {
            return key ? path -> suffixMatches(regex, path) : path -> sameWithWildcards(regex, path, 0);
        }
        unrolled[0] += RegexSize.unrolled(regex);
        if (unrolled[0] > MAX_UNROLLED_SIZE) {
            throw new IllegalArgumentException(what + ": the config's regular expressions are too complex: unrolled,"
                    + " their counted repetitions ({n,m}) copying what they repeat, they come to " + unrolled[0]
                    + " elements; at most " + MAX_UNROLLED_SIZE);
        }
        Pattern compiled;
        try {
            compiled = Pattern.compile(key ? "(.*\\.)?(" + regex + ")$" : regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(what + ": invalid regular expression " + quote(regex) + ": "
                    + e.getDescription() + " (Scion matches in linear time: no lookaround or backreferences)");
        }
        return path -> compiled.matcher(path).matches();
    }

    /** What {@code (.*\.)?(key)$} means for a key without metacharacters other than {@code .}. */
    private static boolean suffixMatches(String key, String path) {
        int start = path.length() - key.length(); // the key matches a fixed number of characters, up to the end
        return start >= 0 && (start == 0 || path.charAt(start - 1) == '.') && sameWithWildcards(key, path, start);
    }

    /** Whether {@code path} from {@code start} to its end is {@code literal}, each {@code .} standing for any character. */
    private static boolean sameWithWildcards(String literal, String path, int start) {
        if (path.length() - start != literal.length()) {
            return false;
        }
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c != '.' && c != path.charAt(start + i)) {
                return false;
            }
        }
        return true;
    }

    private static String quote(String text) {
        return "'" + (text.length() > 60 ? text.substring(0, 60) + "…" : text) + "'";
    }
}
