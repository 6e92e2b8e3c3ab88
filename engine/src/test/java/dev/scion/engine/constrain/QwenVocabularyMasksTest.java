package dev.scion.engine.constrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.text.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Masks over the real Qwen3 vocabulary (151,669 entries): random walks that take only allowed tokens always
 * end in a valid document, the bytes a constraint tracked are what the tokenizer decodes, and the
 * cost per step is printed.
 */
class QwenVocabularyMasksTest {
    static final Path QWEN3 = Path.of("src/test/resources/fixtures/qwen3-tokenizer/tokenizer.json");
    static final ObjectMapper JSON = new ObjectMapper();
    static Tokenizer qwen;
    static TokenTrie trie;
    static Set<Integer> ends;
    static final List<Integer> SINGLE_BYTE = new ArrayList<>(); // id by byte value

    @BeforeAll
    static void load() {
        qwen = Tokenizer.load(QWEN3);
        long start = System.nanoTime();
        trie = TokenTrie.of(qwen.tokenBytes());
        System.out.printf("Qwen3 trie: %d nodes, built in %.0f ms%n", trie.nodes(), (System.nanoTime() - start) / 1e6);
        ends = Set.of(qwen.tokenId("<|im_end|>"), qwen.tokenId("<|endoftext|>"));
        for (int b = 0; b < 256; b++) {
            SINGLE_BYTE.add(-1);
        }
        for (int id = 0; id < qwen.vocabSize(); id++) {
            byte[] bytes = trie.bytes(id);
            if (bytes != null && bytes.length == 1) {
                SINGLE_BYTE.set(bytes[0] & 0xFF, id);
            }
        }
    }

    @AfterAll
    static void close() {
        qwen.close();
    }

    @Test
    void tokenBytesAreWhatTheTokenizerDecodes() {
        int[] ids = qwen.encode("{\"név\": \"日本 😀\", \"n\": [1, 2.5]}\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(trie.bytes(id));
        }
        assertEquals(qwen.decode(ids, false), out.toString(StandardCharsets.UTF_8));
        assertNull(trie.bytes(qwen.tokenId("<|im_end|>")), "special tokens write nothing a constraint could use");
        assertNull(trie.bytes(qwen.tokenId("<think>")), "nor do added tokens that are not special");
        for (int b = 0; b < 256; b++) {
            assertTrue(SINGLE_BYTE.get(b) >= 0, "byte-level BPE spells every byte");
        }
    }

    @Test
    void aMaskHoldsExactlyTheTokensWhoseBytesKeepTheStateLive() {
        Grammar g = Grammars.jsonSchema("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},"
                + "\"b\":{\"type\":\"array\",\"items\":{\"anyOf\":[{\"type\":\"number\"},{\"enum\":[\"x\",\"y\"]}]}},"
                + "\"c\":{\"type\":\"object\"}},\"required\":[\"a\",\"b\",\"c\"],\"additionalProperties\":false}");
        TokenMasks masks = new TokenMasks(g, trie);
        // The first string (its plain part computed), a later one (the plain part from the cache), a number,
        // an anyOf in an array, a free object's key, and the complete document.
        for (String prefix : List.of("{\"a\": \"", "{\"a\": \"q\u00e9", "{\"a\": \"\", \"b\": [1", "{\"a\": \"\", \"b\": [",
                "{\"a\": \"\", \"b\": [], \"c\": {\"k", "{\"a\": \"\", \"b\": [], \"c\": {}}")) {
            MatchState state = g.advance(g.start(), prefix);
            assertTrue(!state.isDead(), prefix);
            long[] bits = masks.allowed(state);
            for (int id = 0; id < qwen.vocabSize(); id++) {
                byte[] bytes = trie.bytes(id);
                boolean live = bytes != null && !g.advance(state, bytes).isDead();
                boolean allowed = (bits[id >>> 6] & (1L << id)) != 0;
                assertEquals(live, allowed, "token " + id + " after " + prefix);
            }
        }
    }

    @Test
    void randomWalksOverRandomSchemasEndInValidDocuments() throws Exception {
        RandomSchemas schemas = new RandomSchemas(7, 0.5);
        Random random = new Random(8);
        Stats stats = new Stats();
        for (int n = 0; n < 25; n++) {
            JsonNode schema = schemas.next();
            String text = walk(Constraint.of(Grammars.jsonSchema(schema), trie), random, stats);
            JsonNode value = JSON.readTree(text);
            assertNull(new SchemaValidator(schema).problem(value), () -> text + " against " + schema);
        }
        stats.print("random schemas");
    }

    @Test
    void jsonObjectRegexAndChoiceWalksStayInTheirLanguages() throws Exception {
        Random random = new Random(9);
        Stats stats = new Stats();
        GrammarConstraint object = Constraint.of(Grammars.jsonObject(), trie);
        for (int n = 0; n < 10; n++) {
            assertTrue(JSON.readTree(walk(object, random, stats)).isObject());
        }
        stats.print("json_object");
        GrammarConstraint regex = Constraint.of(Grammars.regex("[A-Z][a-z]{2,8} \\d{1,3}(\\.\\d)?"), trie);
        for (int n = 0; n < 10; n++) {
            String text = walk(regex, random, new Stats());
            assertTrue(text.matches("[A-Z][a-z]{2,8} \\d{1,3}(\\.\\d)?"), text);
        }
        GrammarConstraint choice = Constraint.of(Grammars.choice(List.of("positive", "negative", "neutral")), trie);
        for (int n = 0; n < 10; n++) {
            String text = walk(choice, random, new Stats());
            assertTrue(Set.of("positive", "negative", "neutral").contains(text), text);
        }
    }

    /**
     * Picks random allowed tokens, then (after a while) steers to an end: the end token when allowed, else
     * a closing quote or bracket, else any allowed single byte. Checks the mask against the automaton for
     * every pick: each allowed token keeps the state live, and end tokens only come when it is complete.
     */
    private static String walk(GrammarConstraint constraint, Random random, Stats stats) {
        Guide guide = constraint.start(ends);
        int vocab = qwen.vocabSize();
        float[] row = new float[vocab];
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        List<Integer> ids = new ArrayList<>();
        for (int step = 0; step < 2000; step++) {
            java.util.Arrays.fill(row, 0f);
            long start = System.nanoTime();
            int cachedBefore = constraint.masks().cachedMasks();
            guide.mask(row, 0, vocab);
            stats.add(System.nanoTime() - start, constraint.masks().cachedMasks() > cachedBefore);
            List<Integer> allowed = new ArrayList<>();
            for (int id = 0; id < vocab; id++) {
                if (row[id] == 0f) {
                    allowed.add(id);
                }
            }
            assertTrue(!allowed.isEmpty(), "something is always allowed");
            int pick = choose(allowed, row, step, random);
            if (guide.isEnd(pick)) {
                assertTrue(guide.complete());
                String s = text.toString(StandardCharsets.UTF_8);
                assertEquals(qwen.decode(ids.stream().mapToInt(Integer::intValue).toArray(), true), s);
                return s;
            }
            guide.advance(pick);
            assertNotNull(trie.bytes(pick));
            text.writeBytes(trie.bytes(pick));
            ids.add(pick);
        }
        throw new AssertionError("no end after 2000 tokens: " + text.toString(StandardCharsets.UTF_8));
    }

    private static int choose(List<Integer> allowed, float[] row, int step, Random random) {
        if (step < 12) {
            return allowed.get(random.nextInt(allowed.size()));
        }
        for (int end : ends) {
            if (row[end] == 0f) {
                return end;
            }
        }
        for (char c : new char[] {'"', '}', ']'}) {
            int id = SINGLE_BYTE.get(c);
            if (row[id] == 0f) {
                return id;
            }
        }
        List<Integer> single = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            if (b != ' ' && b != '\n' && b != '\t' && b != '\r' && row[SINGLE_BYTE.get(b)] == 0f) {
                single.add(SINGLE_BYTE.get(b));
            }
        }
        return single.isEmpty() ? allowed.get(random.nextInt(allowed.size())) : single.get(random.nextInt(single.size()));
    }

    /** Mask times split by whether the mask was computed (a cache miss) or found in the cache. */
    static final class Stats {
        long missNanos;
        long hitNanos;
        int misses;
        int hits;
        long worstMiss;

        void add(long nanos, boolean miss) {
            if (miss) {
                missNanos += nanos;
                misses++;
                worstMiss = Math.max(worstMiss, nanos);
            } else {
                hitNanos += nanos;
                hits++;
            }
        }

        void print(String what) {
            System.out.printf("Qwen3 masks (%s): %d steps; computed %d times, mean %.2f ms, worst %.2f ms; "
                    + "cached %d times, mean %.3f ms (masking the 151,936-wide row included)%n", what, misses + hits,
                    misses, misses == 0 ? 0 : missNanos / 1e6 / misses, worstMiss / 1e6, hits,
                    hits == 0 ? 0 : hitNanos / 1e6 / hits);
        }
    }
}
