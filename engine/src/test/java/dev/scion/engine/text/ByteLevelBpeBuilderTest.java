package dev.scion.engine.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class ByteLevelBpeBuilderTest {

    @Test
    void builtTokenizerLoadsAndRoundTripsAnyText(@TempDir Path dir) {
        int vocabSize = ByteLevelBpeBuilder.write(dir, 1500);
        assertEquals(256 + 1500 + 3, vocabSize, "the built-in text must support 1500 merges, all new strings");
        try (Tokenizer t = Tokenizer.load(dir.resolve("tokenizer.json"))) {
            assertEquals(vocabSize, t.vocabSize());
            for (String text : new String[]{
                    "The quick brown fox jumps over the lazy dog. Tokens, merges and bytes!",
                    "量子计算利用叠加和纠缠来处理信息。",
                    "Emoji 🚀🧪👩‍🔬 and accents: café naïve Ångström, tabs\tand\n\nnew lines   spaced",
                    "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n"}) {
                int[] ids = t.encode(text);
                assertEquals(text, t.decode(ids, false), text);
            }
            int imStart = t.tokenId("<|im_start|>");
            int imEnd = t.tokenId("<|im_end|>");
            int eot = t.tokenId("<|endoftext|>");
            assertEquals(vocabSize - 3, eot);
            assertEquals(vocabSize - 2, imStart);
            assertEquals(vocabSize - 1, imEnd);
            assertTrue(t.isSpecial(imEnd) && t.isSpecial(imStart) && t.isSpecial(eot));
            assertArrayEquals(new int[]{imStart}, t.encode("<|im_start|>"));
            assertEquals("Hello", t.decode(t.encode("<|im_start|>Hello<|im_end|>"), true));
            // byte symbols use GPT-2's mapping: space is U+0120, byte 0 is U+0100
            assertEquals(' ', t.token(t.encode(" ")[0]).charAt(0) - 0x100);
            assertEquals("Ġ", t.token(' '));
            assertEquals("Ā", t.token(0));
            assertEquals("A", t.token('A'));
        }
    }

    @Test
    void compressesEnglish(@TempDir Path dir) {
        ByteLevelBpeBuilder.write(dir, 1500);
        String english = "The keeper wrote about the weather, the ships and the birds that rested on the rocks.";
        try (Tokenizer t = Tokenizer.load(dir.resolve("tokenizer.json"))) {
            int tokens = t.encode(english).length;
            int bytes = english.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(tokens * 3 < bytes, tokens + " tokens for " + bytes + " bytes");
            assertEquals(1, t.encode(" the").length);
        }
    }

    @Test
    void buildsAreByteIdentical(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertEquals(ByteLevelBpeBuilder.write(a, 700), ByteLevelBpeBuilder.write(b, 700));
        for (String name : new String[]{"tokenizer.json", "tokenizer_config.json"}) {
            assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)), name);
        }
        Path c = dir.resolve("c");
        ByteLevelBpeBuilder.write(c, 701);
        assertFalse(Arrays.equals(Files.readAllBytes(a.resolve("tokenizer.json")),
                Files.readAllBytes(c.resolve("tokenizer.json"))));
    }

    @Test
    void configCarriesChatMlTemplateAndSpecialTokens(@TempDir Path dir) throws Exception {
        int vocabSize = ByteLevelBpeBuilder.write(dir, 100);
        assertEquals(256 + 100 + 3, vocabSize);
        JsonNode config = new ObjectMapper().readTree(dir.resolve("tokenizer_config.json").toFile());
        assertEquals(ByteLevelBpeBuilder.CHAT_TEMPLATE, config.get("chat_template").asText());
        assertTrue(config.get("chat_template").asText().contains("'\\n'"));
        assertEquals("<|im_end|>", config.get("eos_token").asText());
        assertTrue(config.get("bos_token").isNull());
        assertEquals("<|endoftext|>", config.get("pad_token").asText());
        assertEquals("<|im_end|>", config.get("added_tokens_decoder").get(String.valueOf(vocabSize - 1)).get("content").asText());
        JsonNode tokenizer = new ObjectMapper().readTree(dir.resolve("tokenizer.json").toFile());
        assertEquals("BPE", tokenizer.get("model").get("type").asText());
        assertEquals(100, tokenizer.get("model").get("merges").size());
        assertEquals("ByteLevel", tokenizer.get("decoder").get("type").asText());
    }

    @Test
    void zeroMergesIsPureBytes(@TempDir Path dir) {
        assertEquals(259, ByteLevelBpeBuilder.write(dir, 0));
        try (Tokenizer t = Tokenizer.load(dir.resolve("tokenizer.json"))) {
            assertEquals(5, t.encode("hello").length);
            assertEquals("hello", t.decode(t.encode("hello"), true));
        }
    }

    @Test
    void rejectsNegativeOrAbsurdMergeCounts(@TempDir Path dir) {
        assertThrows(IllegalArgumentException.class, () -> ByteLevelBpeBuilder.write(dir, -1));
        assertThrows(IllegalArgumentException.class, () -> ByteLevelBpeBuilder.write(dir, ByteLevelBpeBuilder.MAX_MERGES + 1));
    }
}
