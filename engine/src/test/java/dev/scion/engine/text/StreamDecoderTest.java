package dev.scion.engine.text;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class StreamDecoderTest {

    static final String MIXED = "<|im_start|>assistant\n量子计算利用叠加和纠缠。🚀🧪👩‍🔬 Émigré café, naïve — "
            + "日本語のテキスト 😀😃😄 done.<|im_end|>";

    static Tokenizer qwen;
    static Tokenizer tiny;

    @BeforeAll
    static void load(@TempDir Path dir) {
        qwen = Tokenizer.load(TokenizerTest.QWEN3);
        ByteLevelBpeBuilder.write(dir, 400);
        tiny = Tokenizer.load(dir.resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        qwen.close();
        tiny.close();
    }

    @Test
    void qwenChineseAndEmojiStreamWithoutReplacementChars() {
        assertStreamsLikeWholeDecode(qwen, MIXED, true);
        assertStreamsLikeWholeDecode(qwen, MIXED, false);
    }

    @Test
    void builtTokenizerStreamsMultiByteCharactersWholly() {
        assertStreamsLikeWholeDecode(tiny, MIXED, true);
        assertStreamsLikeWholeDecode(tiny, MIXED, false);
    }

    @Test
    void holdsBackBytesOfAnUnfinishedCharacter() {
        // In the built tokenizer a CJK character is three single-byte tokens: nothing shows until the third.
        int[] ids = tiny.encode("量");
        assertEquals(3, ids.length);
        StreamDecoder d = new StreamDecoder(tiny);
        assertEquals("", d.push(ids[0]));
        assertEquals("", d.push(ids[1]));
        assertEquals("量", d.push(ids[2]));
        assertEquals("", d.flush());
    }

    @Test
    void flushReleasesATruncatedCharacterAsTheWholeDecodeShowsIt() {
        int[] ids = tiny.encode("ab量");
        int[] cut = Arrays.copyOf(ids, ids.length - 1);
        StreamDecoder d = new StreamDecoder(tiny);
        StringBuilder out = new StringBuilder();
        for (int id : cut) {
            out.append(d.push(id));
        }
        assertEquals("ab", out.toString());
        out.append(d.flush());
        assertEquals(tiny.decode(cut, true), out.toString());
        assertTrue(out.toString().endsWith("\uFFFD"));
    }

    @Test
    void garbageBytesDoNotGrowTheWindowForever() {
        // A run of lone UTF-8 lead bytes never completes; after MAX_PENDING tokens it is emitted.
        int lead = tiny.encode("量")[0];
        StreamDecoder d = new StreamDecoder(tiny);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < StreamDecoder.MAX_PENDING; i++) {
            out.append(d.push(lead));
        }
        assertFalse(out.toString().isEmpty());
        assertTrue(out.toString().chars().allMatch(c -> c == 0xFFFD));
    }

    @Test
    void streamsLongTextWithASmallWindow() {
        String text = ("Streaming keeps a short window. 流式解码只看最近的词元。🙂 ").repeat(40);
        assertStreamsLikeWholeDecode(qwen, text, true);
        int[] ids = qwen.encode(text);
        assertTrue(ids.length > 600);
        StreamDecoder decoder = new StreamDecoder(qwen);
        int widest = 0;
        for (int id : ids) {
            decoder.push(id);
            widest = Math.max(widest, decoder.windowLength());
        }
        assertTrue(widest <= 8, "window grew to " + widest + " tokens");
    }

    private static void assertStreamsLikeWholeDecode(Tokenizer tokenizer, String text, boolean skipSpecial) {
        int[] ids = tokenizer.encode(text);
        StreamDecoder decoder = new StreamDecoder(tokenizer, skipSpecial);
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(decoder.push(id));
        }
        pieces.add(decoder.flush());
        for (String piece : pieces) {
            assertFalse(piece.contains("\uFFFD"), "piece " + piece + " of " + pieces);
        }
        String joined = String.join("", pieces);
        assertEquals(tokenizer.decode(ids, skipSpecial), joined);
        if (!skipSpecial) {
            assertEquals(text, joined);
        }
    }
}
