package dev.scion.server.api.toolcalls;

import java.util.List;

/** Where the text that may still begin a call starts: trailing whitespace and a partial start marker. */
final class HeldText {
    private HeldText() {}

    /**
     * The index in {@code text} from which it must be held back: the start of its longest suffix made of
     * whitespace followed by a (possibly empty) prefix of one of {@code markers}.
     */
    static int heldFrom(String text, List<String> markers) {
        int longest = 0;
        for (String marker : markers) {
            longest = Math.max(longest, marker.length());
        }
        int markerStart = text.length();
        for (int k = Math.max(0, text.length() - longest); k < text.length(); k++) {
            if (isPrefixOfAny(text.substring(k), markers)) {
                markerStart = k;
                break;
            }
        }
        int from = markerStart;
        while (from > 0 && Character.isWhitespace(text.charAt(from - 1))) {
            from--;
        }
        return from;
    }

    private static boolean isPrefixOfAny(String s, List<String> markers) {
        for (String marker : markers) {
            if (marker.startsWith(s)) {
                return true;
            }
        }
        return false;
    }
}
