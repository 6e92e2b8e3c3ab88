package dev.scion.engine.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Which tokenizer pipelines bound the bytes one token stands for, and by how much. */
class TextBoundTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String[] TOKENS = {"a", "ĠĠĠĠ", "▁hello", "<|im_start|>"};
    static final boolean[] ADDED = {false, false, false, true};

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static int bound(String normalizer, String preTokenizer, String model) {
        return TextBound.bytesPerToken(TOKENS, ADDED, normalizer == null ? null : json(normalizer),
                preTokenizer == null ? null : json(preTokenizer), json(model));
    }

    static final String BYTE_LEVEL = "{\"type\": \"ByteLevel\"}";
    static final String BPE = "{\"type\": \"BPE\", \"unk_token\": null, \"fuse_unk\": false, \"byte_fallback\": false}";

    @Test
    void byteLevelEntriesCountOneBytePerCharacterAndAddedTokensTheirUtf8() {
        // "ĠĠĠĠ" is four bytes of text; "▁hello" is 6 characters; "<|im_start|>" 12 bytes
        assertEquals(12, bound(null, BYTE_LEVEL, BPE));
        assertEquals(36, bound("{\"type\": \"NFC\"}", BYTE_LEVEL, BPE), "NFC may have shrunk the text threefold");
        assertEquals(12, bound(null, "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", "
                + "\"behavior\": \"Isolated\"}, " + BYTE_LEVEL + "]}", BPE));
    }

    @Test
    void otherEntriesCountTheirUtf8Bytes() {
        // SentencePiece style (Llama 2, Mistral): "▁hello" is 8 bytes as written, 6 as text: 8 bounds it
        String llama2Normalizer = "{\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"Prepend\", \"prepend\": \"▁\"},"
                + " {\"type\": \"Replace\", \"pattern\": {\"String\": \" \"}, \"content\": \"▁\"}]}";
        String fallback = "{\"type\": \"BPE\", \"unk_token\": \"<unk>\", \"fuse_unk\": true, \"byte_fallback\": true}";
        assertEquals(12, bound(llama2Normalizer, null, fallback));
        assertEquals(12, bound(null, "{\"type\": \"Metaspace\", \"replacement\": \"▁\"}", fallback));
        assertEquals(12, bound(null, null, "{\"type\": \"BPE\", \"unk_token\": \"<unk>\", \"fuse_unk\": false}"),
                "one unknown character per token: at most 4 bytes, below the longest entry");
    }

    @Test
    void pipelinesThatCanDropTextHaveNoBound() {
        assertEquals(0, bound(null, "{\"type\": \"Whitespace\"}", BPE), "whitespace is dropped");
        assertEquals(0, bound(null, "{\"type\": \"BertPreTokenizer\"}", BPE));
        assertEquals(0, bound(null, "{\"type\": \"Split\", \"behavior\": \"Removed\"}", BPE));
        assertEquals(0, bound("{\"type\": \"Strip\"}", BYTE_LEVEL, BPE));
        assertEquals(0, bound("{\"type\": \"Replace\", \"pattern\": {\"Regex\": \"\\\\s+\"}, \"content\": \" \"}",
                BYTE_LEVEL, BPE));
        assertEquals(0, bound("{\"type\": \"Replace\", \"pattern\": {\"String\": \"x\"}, \"content\": \"\"}",
                BYTE_LEVEL, BPE));
        assertEquals(0, bound(null, null, BPE), "not byte-level, no unk, no fallback: unknown characters vanish");
        assertEquals(0, bound(null, null, "{\"type\": \"BPE\", \"unk_token\": \"<unk>\", \"fuse_unk\": true}"),
                "a run of unknown characters is one token");
        assertEquals(0, bound(null, BYTE_LEVEL, "{\"type\": \"WordPiece\", \"unk_token\": \"[UNK]\"}"));
    }

    @Test
    void shrinkingReplacementsMultiply() {
        assertEquals(3, TextBound.shrinkFactor(json("{\"type\": \"Replace\", \"pattern\": {\"String\": \"abc\"}, "
                + "\"content\": \"x\"}")));
        assertEquals(1, TextBound.shrinkFactor(json("{\"type\": \"Replace\", \"pattern\": {\"String\": \" \"}, "
                + "\"content\": \"▁\"}")));
        assertEquals(9, TextBound.shrinkFactor(json("{\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"NFKC\"},"
                + " {\"type\": \"Lowercase\"}]}")));
        assertTrue(TextBound.keepsText(null));
        assertFalse(TextBound.keepsText(json("{\"type\": \"WhitespaceSplit\"}")));
    }
}
