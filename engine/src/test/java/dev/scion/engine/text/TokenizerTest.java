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

    @Test
    void oneTokenStandsForAtMostItsLongestEntryTimesWhatNfcCanShrink() {
        // Qwen3's longest entry is 128 spaces in byte-level form; its NFC normalizer can shrink text threefold
        assertEquals(128 * 3, qwen.maxBytesPerToken());
        assertEquals(10L * 384, qwen.maxTextBytes(10));
    }

    @Test
    void theBoundHoldsForTextsThatPackTheMostIntoATokenAndForShrinkingNormalization() {
        String[] dense = {
            " ".repeat(20_000),                         // runs of spaces: Qwen's longest tokens
            "=".repeat(20_000),
            "\u1100\u1161\u11a8".repeat(3000),       // Hangul jamo: NFC makes three characters (9 bytes) one (3)
            "e\u0301".repeat(5000),                     // e + combining acute: NFC makes it é
            "\u212b".repeat(5000),                      // the angstrom sign, which NFC maps to a shorter letter
        };
        for (String text : dense) {
            int tokens = qwen.encode(text).length;
            long bytes = text.getBytes(StandardCharsets.UTF_8).length;
            assertTrue(bytes <= qwen.maxTextBytes(tokens), bytes + " bytes in " + tokens + " tokens");
        }
    }

    @Test
    void aTextOverTheBudgetIsRefusedBeforeItIsTokenized() {
        String huge = "word ".repeat(2_000_000); // 10 MB: tokenizing it would take seconds
        long start = System.nanoTime();
        TextTooLongException e = assertThrows(TextTooLongException.class, () -> qwen.encode(huge, 100));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(-1, e.tokens(), "refused by size, not counted");
        assertEquals(100, e.maxTokens());
        assertEquals(38_400, e.maxTextBytes());
        assertTrue(e.textBytes() > e.maxTextBytes());
        assertTrue(ms < 1000, "refusing took " + ms + " ms");
        // by bytes, not chars: 30 000 chars of 3-byte text are 90 000 bytes
        assertEquals(90_000, assertThrows(TextTooLongException.class,
                () -> qwen.encode("\u4e00".repeat(30_000), 100)).textBytes());
    }

    @Test
    void aTextWithinTheBytesButOverTheTokensIsRefusedWithItsCount() {
        String text = "one two three four five six seven eight nine ten ";
        int[] ids = qwen.encode(text);
        assertArrayEquals(ids, qwen.encode(text, ids.length), "a text that fits encodes as without a budget");
        TextTooLongException e = assertThrows(TextTooLongException.class, () -> qwen.encode(text, ids.length - 1));
        assertEquals(ids.length, e.tokens());
    }

    @Test
    void utf8LengthCountsWithoutEncoding() {
        for (String text : new String[] {"", "abc", "é", "\u4e00", "🚀", "Café 量子 🚀🧪"}) {
            assertEquals(text.getBytes(StandardCharsets.UTF_8).length, Tokenizer.utf8Length(text), text);
        }
    }

    @Test
    void encodingFreesItsNativeBuffers() throws Exception {
        String text = "Café déjà vu, 量子计算 and plain words. ".repeat(1500); // ~65 KB, ~20 000 tokens
        for (int i = 0; i < 6; i++) {
            qwen.encode(text); // warm-up: allocator arenas settle
        }
        long[] phases = new long[6];
        for (int phase = 0; phase < phases.length; phase++) {
            for (int i = 0; i < 6; i++) {
                qwen.encode(text);
            }
            phases[phase] = nativeKb();
        }
        long growthKb = median(phases, 3)
                - median(phases, 0);
        // measured here: an encoding kept per call (deleteEncoding left out) grows 3.4 MiB over the 18 calls between
        // the medians; freed, 16 KiB
        assertTrue(growthKb < 1024, "native memory grew by " + growthKb + " KiB: " + java.util.Arrays.toString(phases));
    }

    /** Median of three consecutive phases (as NativeMemoryTest measures). */
    private static long median(long[] values, int from) {
        long[] three = java.util.Arrays.copyOfRange(values, from, from + 3);
        java.util.Arrays.sort(three);
        return three[1];
    }

    /** Resident memory minus the committed Java heap, in KiB. */
    private static long nativeKb() throws java.io.IOException {
        System.gc();
        long rss = -1;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return rss - java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1024;
    }
}
