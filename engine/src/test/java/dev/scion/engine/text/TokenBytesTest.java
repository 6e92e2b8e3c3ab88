package dev.scion.engine.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What each token writes, for the two spellings constrained decoding reads. */
class TokenBytesTest {
    @TempDir
    Path dir;

    @Test
    void byteLevelTokensSpellTheirBytesAndAddedTokensHaveNone() throws Exception {
        ByteLevelBpeBuilder.write(dir, 20);
        try (Tokenizer t = Tokenizer.load(dir.resolve("tokenizer.json"))) {
            int[] ids = t.encode(" héllo");
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int id : ids) {
                out.writeBytes(t.tokenBytes().bytes(id));
            }
            assertArrayEquals(" héllo".getBytes(StandardCharsets.UTF_8), out.toByteArray());
            assertNull(t.tokenBytes().bytes(t.tokenId("<|im_end|>")));
        }
    }

    @Test
    void sentencePieceTokensWriteSpacesAndByteFallbacks() throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":"
                + "[{\"id\":0,\"content\":\"<s>\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,"
                + "\"normalized\":false,\"special\":true}],\"normalizer\":null,\"pre_tokenizer\":null,"
                + "\"post_processor\":null,\"decoder\":{\"type\":\"Sequence\",\"decoders\":[{\"type\":\"Replace\","
                + "\"pattern\":{\"String\":\"\u2581\"},\"content\":\" \"},{\"type\":\"ByteFallback\"},{\"type\":\"Fuse\"}]},"
                + "\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":null,\"continuing_subword_prefix\":null,"
                + "\"end_of_word_suffix\":null,\"fuse_unk\":false,\"byte_fallback\":true,\"vocab\":{\"<s>\":0,"
                + "\"<0x0A>\":1,\"\u2581hi\":2,\"x\":3},\"merges\":[]}}");
        try (Tokenizer t = Tokenizer.load(file)) {
            assertNull(t.tokenBytes().bytes(0));
            assertArrayEquals(new byte[] {'\n'}, t.tokenBytes().bytes(1));
            assertArrayEquals(" hi".getBytes(StandardCharsets.UTF_8), t.tokenBytes().bytes(2));
            assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), t.tokenBytes().bytes(3));
        }
    }

    @Test
    void otherDecodersAreRefused() throws Exception {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],"
                + "\"normalizer\":null,\"pre_tokenizer\":null,\"post_processor\":null,\"decoder\":{\"type\":"
                + "\"WordPiece\",\"prefix\":\"##\",\"cleanup\":true},\"model\":{\"type\":\"WordPiece\",\"unk_token\":"
                + "\"[UNK]\",\"continuing_subword_prefix\":\"##\",\"max_input_chars_per_word\":100,\"vocab\":"
                + "{\"[UNK]\":0,\"a\":1}}}");
        try (Tokenizer t = Tokenizer.load(file)) {
            assertThrows(IllegalArgumentException.class, t::tokenBytes);
        }
    }
}
