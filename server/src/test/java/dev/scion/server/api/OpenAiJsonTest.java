package dev.scion.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.generate.FinishReason;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.engine.sampling.SampledToken;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The values the response builders write: log-probabilities, deltas, ids and the small vLLM bodies. */
class OpenAiJsonTest {

    private static final IntFunction<String> TEXT = id -> switch (id) {
        case 1 -> "Hé";
        case 2 -> "日本";
        case 3 -> "🙂";
        case 4 -> "Hé"; // a second id with the same text as 1
        default -> "t" + id;
    };

    @Test
    void chatLogprobBytesAreTheUtf8BytesOfEachTokenText() {
        SampledToken sample = new SampledToken(2, -0.5f, new int[] {2, 3}, new float[] {-0.5f, -1.25f});
        JsonNode entry = OpenAiJson.chatCompletion("c", 1, "m", List.of(new ChoiceOutput(0, "日本", "stop",
                List.of(sample))), new Usage(1, 1), TEXT).at("/choices/0/logprobs/content/0");
        assertEquals("日本", entry.get("token").asText());
        assertEquals(-0.5, entry.get("logprob").asDouble());
        assertEquals(bytes("日本"), bytes(entry.get("bytes")));
        assertEquals(List.of(0xe6, 0x97, 0xa5, 0xe6, 0x9c, 0xac), bytes(entry.get("bytes")));
        JsonNode top = entry.get("top_logprobs");
        assertEquals(2, top.size());
        assertEquals("🙂", top.get(1).get("token").asText());
        assertEquals(-1.25, top.get(1).get("logprob").asDouble());
        assertEquals(List.of(0xf0, 0x9f, 0x99, 0x82), bytes(top.get(1).get("bytes")));
    }

    @Test
    void logprobsThatJsonCannotCarryBecomeOpenAisVeryUnlikelyValue() throws Exception {
        SampledToken sample = new SampledToken(1, Float.NEGATIVE_INFINITY, new int[] {3},
                new float[] {Float.NEGATIVE_INFINITY});
        ObjectNode body = OpenAiJson.chatCompletion("c", 1, "m",
                List.of(new ChoiceOutput(0, "x", "stop", List.of(sample))), new Usage(1, 1), TEXT);
        assertEquals(-9999.0, body.at("/choices/0/logprobs/content/0/logprob").asDouble());
        assertEquals(-9999.0, body.at("/choices/0/logprobs/content/0/top_logprobs/0/logprob").asDouble());
        // The written text must parse back as strict JSON (no "-Infinity").
        new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(body));
    }

    @Test
    void completionLogprobsAreParallelArraysWithTheSampledTokenAmongTheTopOnes() {
        List<SampledToken> samples = List.of(
                new SampledToken(1, -0.1f, new int[] {1, 4, 3}, new float[] {-0.1f, -2f, -3f}),
                new SampledToken(3, -4f, new int[] {2}, new float[] {-0.2f}),
                new SampledToken(2, -0.3f, new int[0], new float[0]));
        JsonNode logprobs = OpenAiJson.completion("c", 1, "m", List.of(new ChoiceOutput(0, "Hé🙂日本", "length",
                samples)), new Usage(1, 3), TEXT).at("/choices/0/logprobs");
        assertEquals(List.of("Hé", "🙂", "日本"), strings(logprobs.get("tokens")));
        assertEquals(-4.0, logprobs.at("/token_logprobs/1").asDouble());
        JsonNode first = logprobs.at("/top_logprobs/0");
        assertEquals(2, first.size(), "id 4 has the same text as id 1: the likelier one stays");
        assertEquals(-0.1, first.get("Hé").asDouble(), 1e-6);
        assertEquals(-3.0, first.get("🙂").asDouble());
        JsonNode second = logprobs.at("/top_logprobs/1");
        assertEquals(-0.2, second.get("日本").asDouble(), 1e-6);
        assertEquals(-4.0, second.get("🙂").asDouble(), "the sampled token is always listed, as OpenAI documents");
        assertEquals(1, logprobs.at("/top_logprobs/2").size());
        // Offsets in code points: "Hé" is 2, the emoji 1 (2 UTF-16 units), as Python counts.
        assertEquals(List.of(0, 2, 3), ints(logprobs.get("text_offset")));
    }

    @Test
    void streamedCompletionOffsetsContinueFromTheTextAlreadySent() {
        JsonNode chunk = OpenAiJson.completionChunk("c", 1, "m", 3, "日本Hé", List.of(
                new SampledToken(2, -1f, new int[0], new float[0]),
                new SampledToken(1, -1f, new int[0], new float[0])), 7, null, TEXT);
        assertEquals(3, chunk.at("/choices/0/index").asInt());
        assertEquals("日本Hé", chunk.at("/choices/0/text").asText());
        assertEquals(List.of(7, 9), ints(chunk.at("/choices/0/logprobs/text_offset")));
    }

    @Test
    void chatChunkDeltasCarryOnlyWhatChanged() {
        ObjectNode first = OpenAiJson.chatChunk("chatcmpl-9", 42, "m", 1, "assistant", "", null, null, TEXT);
        assertEquals("chat.completion.chunk", first.get("object").asText());
        assertEquals("chatcmpl-9", first.get("id").asText());
        assertEquals(42, first.get("created").asLong());
        assertEquals("assistant", first.at("/choices/0/delta/role").asText());
        assertEquals("", first.at("/choices/0/delta/content").asText());
        assertTrue(first.at("/choices/0/finish_reason").isNull());
        assertTrue(first.at("/choices/0/logprobs").isNull());
        assertFalse(first.has("usage"));
        ObjectNode text = OpenAiJson.chatChunk("chatcmpl-9", 42, "m", 1, null, "Hé", List.of(
                new SampledToken(1, -0.5f, new int[0], new float[0])), null, TEXT);
        assertFalse(text.at("/choices/0/delta").has("role"));
        assertEquals("Hé", text.at("/choices/0/logprobs/content/0/token").asText());
        assertTrue(text.at("/choices/0/logprobs/refusal").isNull());
        ObjectNode last = OpenAiJson.chatChunk("chatcmpl-9", 42, "m", 1, null, null, null, "stop", TEXT);
        assertEquals("stop", last.at("/choices/0/finish_reason").asText());
        assertFalse(last.at("/choices/0/delta").has("content"));
    }

    @Test
    void onlyOpenAisFinishReasonsAreAccepted() {
        assertThrows(IllegalArgumentException.class, () -> new ChoiceOutput(0, "x", "cancelled", null));
        assertThrows(IllegalArgumentException.class, () -> new ChoiceOutput(0, "x", null, null));
        assertThrows(IllegalArgumentException.class,
                () -> OpenAiJson.chatChunk("c", 1, "m", 0, null, null, null, "eos", TEXT));
        assertThrows(IllegalArgumentException.class, () -> ChoiceOutput.finishReason(FinishReason.CANCELLED));
        assertEquals("length", ChoiceOutput.finishReason(FinishReason.LENGTH));
    }

    @Test
    void aChoiceFromAnEngineResultKeepsLogprobsOnlyWhenAsked() {
        List<SampledToken> samples = List.of(new SampledToken(5, -1f, new int[0], new float[0]));
        GenerationResult result = new GenerationResult(new int[] {5}, "t5", FinishReason.STOP, 3, samples);
        ChoiceOutput with = ChoiceOutput.of(2, "t5", result, true);
        assertEquals(2, with.index());
        assertEquals("stop", with.finishReason());
        assertEquals(samples, with.logprobs());
        assertEquals(null, ChoiceOutput.of(0, "t5", result, false).logprobs());
    }

    @Test
    void idsCarryTheirPrefixAnd128RandomBits() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = OpenAiJson.newId("chatcmpl-");
            assertTrue(id.matches("chatcmpl-[0-9a-f]{32}"), id);
            ids.add(id);
        }
        assertEquals(1000, ids.size());
        assertNotEquals(OpenAiJson.newId("cmpl-"), OpenAiJson.newId("cmpl-"));
    }

    @Test
    void tokenizeAndDetokenizeBodiesAreVllms() {
        ObjectNode tokenized = OpenAiJson.tokenizeResponse(new int[] {7, 0, 151643}, 2048, null);
        assertEquals(3, tokenized.get("count").asInt());
        assertEquals(2048, tokenized.get("max_model_len").asInt());
        assertEquals(List.of(7, 0, 151643), ints(tokenized.get("tokens")));
        assertEquals("héllo", OpenAiJson.detokenizeResponse("héllo").get("prompt").asText());
    }

    private static List<Integer> bytes(String text) {
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        Integer[] values = new Integer[raw.length];
        for (int i = 0; i < raw.length; i++) {
            values[i] = raw[i] & 0xff;
        }
        return List.of(values);
    }

    private static List<Integer> bytes(JsonNode array) {
        return ints(array);
    }

    private static List<Integer> ints(JsonNode array) {
        Integer[] values = new Integer[array.size()];
        for (int i = 0; i < values.length; i++) {
            assertTrue(array.get(i).isInt(), array.toString());
            values[i] = array.get(i).asInt();
        }
        return List.of(values);
    }

    private static List<String> strings(JsonNode array) {
        String[] values = new String[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asText();
        }
        return List.of(values);
    }
}
