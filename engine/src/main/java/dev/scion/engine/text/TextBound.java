package dev.scion.engine.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The most bytes of input text that one token of a tokenizer can stand for, so that a text can be refused as too
 * long for a token budget before it is tokenized: a text that encodes to at most {@code n} tokens has at most
 * {@code n * bytesPerToken} UTF-8 bytes.
 *
 * <p>A token stands for at most its vocabulary entry's bytes (an entry of byte-level BPE counts one byte per
 * character; any other entry its UTF-8 bytes, which is at least what it decodes to: SentencePiece's {@code ▁} is
 * three bytes for a space, {@code <0x0A>} six for a newline), times what normalization may have shrunk away before
 * the model saw the text (Unicode normal forms and lowercasing at most a factor of three, e.g. three Hangul jamo into
 * one syllable). A pipeline that can drop text altogether (whitespace pre-tokenizers, normalizers that strip or
 * delete, unknown characters fused into one token, a model without unknown token or byte fallback that is not
 * byte-level) has no such bound: {@link #UNBOUNDED}.
 */
final class TextBound {
    /** No bound on the bytes one token may stand for. */
    static final int UNBOUNDED = 0;

    /** Unicode normal forms and case mapping shrink UTF-8 text by at most this factor. */
    private static final int UNICODE_SHRINK = 3;
    private static final int MAX_CHAR_BYTES = 4;
    private static final Set<String> KEEPING_PRE_TOKENIZERS =
            Set.of("ByteLevel", "Metaspace", "Digits", "UnicodeScripts", "Split", "Punctuation");

    private TextBound() {}

    /**
     * @param tokens token strings by id (null where unused); added tokens' contents included
     * @param added true for ids that are added tokens (matched on the text as written)
     * @param normalizer tokenizer.json's {@code normalizer}, or null
     * @param preTokenizer its {@code pre_tokenizer}, or null
     * @param model its {@code model} without the vocab and merges ({@code type}, {@code unk_token}, {@code fuse_unk},
     *     {@code byte_fallback}), or null
     * @return the bound, or {@link #UNBOUNDED}
     */
    static int bytesPerToken(String[] tokens, boolean[] added, JsonNode normalizer, JsonNode preTokenizer,
            JsonNode model) {
        int shrink = shrinkFactor(normalizer);
        if (shrink == UNBOUNDED || !keepsText(preTokenizer)) {
            return UNBOUNDED;
        }
        boolean byteLevel = uses(preTokenizer, "ByteLevel");
        int longest = 0;
        for (int id = 0; id < tokens.length; id++) {
            String token = tokens[id];
            if (token != null) {
                int bytes = byteLevel && !added[id] ? token.codePointCount(0, token.length())
                        : token.getBytes(StandardCharsets.UTF_8).length;
                longest = Math.max(longest, bytes);
            }
        }
        String type = model == null ? "BPE" : model.path("type").asText("BPE");
        if (!type.equals("BPE")) {
            return UNBOUNDED; // WordPiece, Unigram and WordLevel map whole unknown words (or runs) to one token
        }
        boolean byteFallback = model != null && model.path("byte_fallback").asBoolean(false);
        boolean hasUnk = model != null && model.hasNonNull("unk_token");
        if (!byteFallback) {
            if (!hasUnk && !byteLevel) {
                return UNBOUNDED; // an unknown character would be dropped
            }
            if (hasUnk) {
                if (model.path("fuse_unk").asBoolean(false)) {
                    return UNBOUNDED; // a run of unknown characters becomes one token
                }
                longest = Math.max(longest, MAX_CHAR_BYTES); // one unknown character per token
            }
        }
        long bound = (long) longest * shrink;
        return bound > Integer.MAX_VALUE ? UNBOUNDED : (int) bound;
    }

    /** How much normalization can shrink UTF-8 text, or {@link #UNBOUNDED} when it can delete text. */
    static int shrinkFactor(JsonNode normalizer) {
        if (normalizer == null || normalizer.isNull()) {
            return 1;
        }
        switch (normalizer.path("type").asText("")) {
            case "NFC", "NFD", "NFKC", "NFKD", "Lowercase":
                return UNICODE_SHRINK;
            case "Prepend":
                return 1;
            case "Replace": {
                JsonNode pattern = normalizer.path("pattern");
                String content = normalizer.path("content").asText("");
                if (!pattern.has("String") || content.isEmpty()) {
                    return UNBOUNDED; // a regex may match runs of any length
                }
                int from = pattern.get("String").asText().getBytes(StandardCharsets.UTF_8).length;
                int to = content.getBytes(StandardCharsets.UTF_8).length;
                return Math.max(1, (from + to - 1) / to);
            }
            case "Sequence": {
                long factor = 1;
                for (JsonNode part : normalizer.path("normalizers")) {
                    int f = shrinkFactor(part);
                    if (f == UNBOUNDED) {
                        return UNBOUNDED;
                    }
                    factor *= f;
                    if (factor > 1 << 16) {
                        return UNBOUNDED;
                    }
                }
                return (int) factor;
            }
            default:
                return UNBOUNDED; // Strip, StripAccents, BertNormalizer, Precompiled, Nmt...: may delete characters
        }
    }

    /** Whether pre-tokenizing keeps every character (splits without removing any). */
    static boolean keepsText(JsonNode preTokenizer) {
        if (preTokenizer == null || preTokenizer.isNull()) {
            return true;
        }
        String type = preTokenizer.path("type").asText("");
        if (type.equals("Sequence")) {
            for (JsonNode part : preTokenizer.path("pretokenizers")) {
                if (!keepsText(part)) {
                    return false;
                }
            }
            return true;
        }
        if (!KEEPING_PRE_TOKENIZERS.contains(type)) {
            return false; // Whitespace, WhitespaceSplit, BertPreTokenizer, CharDelimiterSplit drop the delimiters
        }
        return !preTokenizer.path("behavior").asText("").equals("Removed");
    }

    private static boolean uses(JsonNode preTokenizer, String type) {
        if (preTokenizer == null || preTokenizer.isNull()) {
            return false;
        }
        if (preTokenizer.path("type").asText("").equals(type)) {
            return true;
        }
        for (JsonNode part : preTokenizer.path("pretokenizers")) {
            if (uses(part, type)) {
                return true;
            }
        }
        return false;
    }
}
