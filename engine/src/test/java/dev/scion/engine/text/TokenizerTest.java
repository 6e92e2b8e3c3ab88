package dev.scion.engine.text;

import dev.scion.engine.model.ModelFormatException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class TokenizerTest {

    static final Path QWEN3 = Path.of("src/test/resources/fixtures/qwen3-tokenizer/tokenizer.json");
    static Tokenizer qwen;

    @BeforeAll
    static void load() {
        qwen = Tokenizer.load(QWEN3);
    }

    @AfterAll
    static void close() {
        qwen.close();
    }

    @Test
    void encodesKnownIdsWithSpecialTokenInline() {
        assertArrayEquals(new int[]{9707, 85122, 68862, 109539, 100768, 151645},
                qwen.encode("Hello 解释量子计算<|im_end|>"));
    }

    @Test
    void addsNothingAroundTheText() {
        assertArrayEquals(new int[]{9707}, qwen.encode("Hello"));
        assertArrayEquals(new int[0], qwen.encode(""));
    }

    @Test
    void roundTripsMixedText() {
        String text = "<|im_start|>user\nCafé déjà vu — 量子计算 🚀🧪 x² ≠ y; tabs\tand\n\nnewlines  <|im_end|>\n";
        int[] ids = qwen.encode(text);
        assertEquals(text, qwen.decode(ids, false));
        assertEquals(151644, ids[0]);
        String skipped = qwen.decode(ids, true);
        assertFalse(skipped.contains("<|im_start|>"));
        assertTrue(skipped.startsWith("user\nCafé"));
    }

    @Test
    void doesNotTruncateLongText() {
        String text = "one two three four five six seven eight nine ten ".repeat(200);
        int[] ids = qwen.encode(text);
        assertTrue(ids.length > 1500, "got " + ids.length);
        assertEquals(text, qwen.decode(ids, false));
    }

    @Test
    void looksUpSpecialTokens() {
        assertEquals(151645, qwen.tokenId("<|im_end|>"));
        assertEquals(151643, qwen.tokenId("<|endoftext|>"));
        assertEquals("<|im_start|>", qwen.token(151644));
        assertTrue(qwen.isSpecial(151645));
        assertFalse(qwen.isSpecial(9707));
        assertEquals("Hello", qwen.token(9707));
        assertEquals(9707, qwen.tokenId("Hello"));
        assertNull(qwen.tokenId("no such token at all"));
        // <think> is an added token that Qwen3 does not mark special: it survives skipSpecialTokens.
        int think = qwen.tokenId("<think>");
        assertFalse(qwen.isSpecial(think));
        assertEquals("<think>", qwen.decode(new int[]{think}, true));
        assertEquals(151669, qwen.vocabSize());
        assertThrows(IllegalArgumentException.class, () -> qwen.token(151669));
        assertThrows(IllegalArgumentException.class, () -> qwen.decode(new int[]{-1}, false));
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("tokenizer.json");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Tokenizer.load(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void malformedFilesAreNamed(@TempDir Path dir) throws Exception {
        Path truncated = dir.resolve("truncated.json");
        Files.write(truncated, "{\"model\": {\"vocab\": {\"a\": 0".getBytes(StandardCharsets.UTF_8));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Tokenizer.load(truncated));
        assertTrue(e.getMessage().contains("truncated.json"), e.getMessage());

        Path noModel = dir.resolve("nomodel.json");
        Files.writeString(noModel, "{\"added_tokens\": []}");
        e = assertThrows(ModelFormatException.class, () -> Tokenizer.load(noModel));
        assertTrue(e.getMessage().contains("model.vocab"), e.getMessage());

        Path badId = dir.resolve("badid.json");
        Files.writeString(badId, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": \"zero\"}, \"merges\": []}}");
        e = assertThrows(ModelFormatException.class, () -> Tokenizer.load(badId));
        assertTrue(e.getMessage().contains("model.vocab[\"a\"]") && e.getMessage().contains("badid.json"), e.getMessage());

        Path hugeId = dir.resolve("hugeid.json");
        Files.writeString(hugeId, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 2000000000}, \"merges\": []}}");
        e = assertThrows(ModelFormatException.class, () -> Tokenizer.load(hugeId));
        assertTrue(e.getMessage().contains("2000000000"), e.getMessage());

        Path notTokenizer = dir.resolve("wrongtype.json");
        Files.writeString(notTokenizer, "{\"model\": {\"type\": \"Nonsense\", \"vocab\": {\"a\": 0}}}");
        e = assertThrows(ModelFormatException.class, () -> Tokenizer.load(notTokenizer));
        assertTrue(e.getMessage().contains("wrongtype.json"), e.getMessage());
    }
}
