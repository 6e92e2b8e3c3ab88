package dev.scion.engine.text;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * GPT-2's byte-level alphabet: every byte is written as one printable Unicode character, so that
 * BPE symbols are ordinary strings without spaces or control characters. Printable Latin-1 bytes
 * stand for themselves; the other 68 bytes take the code points from U+0100 on, in byte order
 * (which is why a space shows as {@code Ġ}, U+0120).
 */
final class ByteLevelAlphabet {

    /**
     * GPT-2's pre-tokenizer split, the one the Hugging Face ByteLevel pre-tokenizer applies with
     * {@code use_regex}; Unicode classes so that {@code \s} matches as in the Rust library.
     */
    static final Pattern PRE_TOKENIZER = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final char[] SYMBOL_BY_BYTE = symbols(); // (256) the character standing for each byte
    private static final int[] BYTE_BY_SYMBOL = bytesBySymbol(); // (324) the byte each symbol stands for, or -1

    private ByteLevelAlphabet() {
    }

    static char symbol(int unsignedByte) {
        return SYMBOL_BY_BYTE[unsignedByte];
    }

    /** The byte a symbol stands for, or -1 when the character is not one of the alphabet's. */
    static int byteOf(char symbol) {
        return symbol < BYTE_BY_SYMBOL.length ? BYTE_BY_SYMBOL[symbol] : -1;
    }

    /** The byte-level spelling of a text: one symbol per UTF-8 byte. */
    static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            out.append(SYMBOL_BY_BYTE[b & 0xFF]);
        }
        return out.toString();
    }

    private static int[] bytesBySymbol() {
        int[] bytes = new int[256 + 68];
        java.util.Arrays.fill(bytes, -1);
        for (int b = 0; b < 256; b++) {
            bytes[SYMBOL_BY_BYTE[b]] = b;
        }
        return bytes;
    }

    private static char[] symbols() {
        char[] symbols = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            symbols[b] = (char) (printable ? b : next++);
        }
        return symbols;
    }
}
