package dev.scion.server.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the textual forms an operator types: durations ({@code 60s}, {@code 2m}, {@code 500ms}, {@code 1h},
 * {@code PT30S}) and byte sizes ({@code 8m}, {@code 512k}, {@code 1g}, {@code 1048576}). The same rules apply on the
 * command line, in environment variables and in the YAML file, so a value means one thing wherever it is written.
 */
public final class ConfigValues {
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
    // Binary multiples (1k = 1024): request bodies are buffers, and this is what operators expect of "8m" there.
    private static final Pattern BYTE_SIZE = Pattern.compile("(\\d+)([kmg]?)(i?b)?");

    private ConfigValues() {}

    /**
     * A duration: a whole number with one unit (ms, s, m, h) or an ISO-8601 duration (PT30S). A bare number is
     * refused rather than guessed at, since seconds and milliseconds are both plausible readings.
     *
     * @throws IllegalArgumentException with a message showing accepted forms
     */
    public static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(t);
        if (m.matches()) {
            long amount = parseLong(m.group(1), text);
            try {
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                };
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("'" + text + "' is too large a duration");
            }
        }
        if (t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                // fall through to the common message
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration (write e.g. 500ms, 60s, 2m, 1h or PT30S)");
    }

    /**
     * A size in bytes: a whole number, optionally followed by k, m or g (binary multiples) and an optional "b"/"ib".
     *
     * @throws IllegalArgumentException with a message showing accepted forms
     */
    public static long parseByteSize(String text) {
        Matcher m = BYTE_SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || (m.group(2).isEmpty() && m.group(3) != null && m.group(3).startsWith("i"))) {
            throw new IllegalArgumentException("'" + text + "' is not a size in bytes (write e.g. 1048576, 512k, 8m or 1g)");
        }
        long amount = parseLong(m.group(1), text);
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        if (amount > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is too large a size");
        }
        return amount << shift;
    }

    /** A whole number that fits an int. */
    public static int parseInt(String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
    }

    /** A finite decimal number such as 0.5 or 1e-1. */
    public static double parseNumber(String text) {
        try {
            double d = Double.parseDouble(text.strip());
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // the common message below
        }
        throw new IllegalArgumentException("'" + text + "' is not a number (write e.g. 0.5)");
    }

    /** {@code true} or {@code false}, in any case. */
    public static boolean parseBoolean(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("true")) {
            return true;
        }
        if (t.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException("'" + text + "' is not true or false");
    }

    /** How a duration reads back in messages and logs: the simplest unit that is exact. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.getNano() % 1_000_000 != 0 || d.isNegative()) {
            return d.toString();
        }
        if (d.getNano() != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.getSeconds();
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        return s % 60 == 0 ? s / 60 + "m" : s + "s";
    }

    /** How a size reads back in the help: in the largest binary unit that is exact (8m, 1g, 1000). */
    public static String formatSize(long bytes) {
        String[] units = {"g", "m", "k"};
        int[] shifts = {30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            if (bytes != 0 && bytes % (1L << shifts[i]) == 0) {
                return (bytes >> shifts[i]) + units[i];
            }
        }
        return String.valueOf(bytes);
    }

    private static long parseLong(String digits, String original) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + original + "' is too large a number");
        }
    }
}
