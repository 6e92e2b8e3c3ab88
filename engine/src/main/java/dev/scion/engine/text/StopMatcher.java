package dev.scion.engine.text;

import java.util.List;

/**
 * Finds stop strings in a stream of text deltas, with OpenAI semantics: the text before the first
 * stop string is returned, the stop string itself and everything after it are not. A tail that
 * could still grow into a stop string is held back until the next delta decides it.
 */
public final class StopMatcher {

    /**
     * What one delta allows.
     *
     * @param text        text that may be shown now
     * @param matchedStop the stop string that ended the text, or null while none has matched
     */
    public record Step(String text, String matchedStop) {
        public boolean stopped() {
            return matchedStop != null;
        }
    }

    private final List<String> stops;
    private final int longestStop;
    private String held = "";
    private String matched;

    public StopMatcher(List<String> stops) {
        for (int i = 0; i < stops.size(); i++) {
            String stop = stops.get(i);
            if (stop == null || stop.isEmpty()) {
                throw new IllegalArgumentException("stop[" + i + "] must be a non-empty string");
            }
            if (!wellFormed(stop)) {
                throw new IllegalArgumentException("stop[" + i + "] contains an unpaired UTF-16 surrogate");
            }
        }
        this.stops = List.copyOf(stops);
        this.longestStop = stops.stream().mapToInt(String::length).max().orElse(0);
    }

    public Step accept(String delta) {
        if (matched != null) {
            throw new IllegalStateException("stop string " + quote(matched) + " already matched; no more text is expected");
        }
        String text = held + delta;
        int earliest = -1;
        String first = null;
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
                first = stop;
            }
        }
        if (first != null) {
            matched = first;
            held = "";
            return new Step(text.substring(0, earliest), first);
        }
        int hold = heldBackLength(text);
        held = text.substring(text.length() - hold);
        return new Step(text.substring(0, text.length() - hold), null);
    }

    /** The held-back tail, released when the sequence ends for another reason. */
    public String flush() {
        String rest = held;
        held = "";
        return rest;
    }

    public boolean stopped() {
        return matched != null;
    }

    /** Length of the longest suffix of {@code text} that is a proper prefix of some stop string. */
    private int heldBackLength(String text) {
        for (int length = Math.min(text.length(), longestStop - 1); length > 0; length--) {
            for (String stop : stops) {
                if (stop.length() > length && text.regionMatches(text.length() - length, stop, 0, length)) {
                    return length;
                }
            }
        }
        return 0;
    }

    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }
}
