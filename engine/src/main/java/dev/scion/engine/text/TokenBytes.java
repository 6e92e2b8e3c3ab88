package dev.scion.engine.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * The bytes each token id adds to the decoded text, which constrained decoding needs in order to
 * know what a token writes before it is sampled. Byte-level BPE (GPT-2, Qwen, Llama 3) spells
 * each byte as one character of {@link ByteLevelAlphabet}; SentencePiece-style vocabularies
 * (Llama 2, Mistral) write a space as {@code ▁} and raw bytes as {@code <0xNN>}.
 *
 * <p>Added tokens ({@code <|im_end|>}, {@code <tool_call>}, {@code <think>}) have no bytes here, special or not:
 * they are markers of the chat format, never part of a constrained document. Neither do unused ids. A
 * SentencePiece decoder strips the leading space of the very first token; these bytes keep it, so the text
 * can only be one space shorter at its start than what a constraint saw.
 */
public final class TokenBytes {
    private final byte[][] bytes; // (vocab) null where a token writes no text of its own

    private TokenBytes(byte[][] bytes) {
        this.bytes = bytes;
    }

    static TokenBytes of(Vocabulary vocabulary, String source) {
        Spelling spelling = Spelling.of(vocabulary.decoder(), source);
        String[] tokens = vocabulary.tokens();
        byte[][] bytes = new byte[tokens.length][];
        for (int id = 0; id < tokens.length; id++) {
            if (tokens[id] != null && !vocabulary.added()[id]) {
                bytes[id] = spelling == Spelling.BYTE_LEVEL ? byteLevel(tokens[id]) : sentencePiece(tokens[id]);
            }
        }
        return new TokenBytes(bytes);
    }

    /** One more than the largest id. */
    public int size() {
        return bytes.length;
    }

    /** What the token writes, or null for added tokens and unused ids; the caller must not modify it. */
    public byte[] bytes(int id) {
        return bytes[id];
    }

    private static byte[] byteLevel(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            int b = ByteLevelAlphabet.byteOf(token.charAt(i));
            if (b < 0) {
                return null; // not a byte-level spelling: a token the decoder could not write either
            }
            out[i] = (byte) b;
        }
        return out;
    }

    private static byte[] sentencePiece(String token) {
        if (token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")) {
            try {
                return new byte[] {(byte) Integer.parseInt(token.substring(3, 5), 16)};
            } catch (NumberFormatException e) {
                // an ordinary token that happens to look like one
            }
        }
        return token.replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
    }

    /** How a vocabulary entry spells its bytes, read from the tokenizer's decoder. */
    private enum Spelling {
        BYTE_LEVEL, SENTENCE_PIECE;

        static Spelling of(JsonNode decoder, String source) {
            if (uses(decoder, "ByteLevel")) {
                return BYTE_LEVEL;
            }
            if (uses(decoder, "Metaspace") || uses(decoder, "ByteFallback") || uses(decoder, "Replace")) {
                return SENTENCE_PIECE;
            }
            throw new IllegalArgumentException("constrained decoding needs a byte-level or SentencePiece tokenizer; "
                    + source + " has decoder " + (decoder == null ? "none" : decoder.path("type").asText("?")));
        }

        private static boolean uses(JsonNode decoder, String type) {
            if (decoder == null) {
                return false;
            }
            if (decoder.path("type").asText("").equals(type)) {
                return true;
            }
            for (JsonNode part : decoder.path("decoders")) {
                if (uses(part, type)) {
                    return true;
                }
            }
            return false;
        }
    }
}
