package dev.scion.engine.constrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.model.Architecture;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.generate.BatchGenerator;
import dev.scion.engine.generate.FinishReason;
import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.GenerationRequest;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.engine.generate.TokenListener;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.runtime.Transformer;
import dev.scion.engine.text.ByteLevelBpeBuilder;
import dev.scion.engine.text.Tokenizer;
import dev.scion.engine.weights.RandomWeights;
import dev.scion.engine.sampling.SamplingParams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guarantee end to end: a tiny random-weight Llama over the embedded model's byte-level BPE
 * vocabulary, sampling at temperature 1 through
 * {@link BatchGenerator}, constrained and free rows (and different constraints) in the same steps.
 * Every output that ends by itself parses and validates; outputs cut by max_tokens end with LENGTH
 * and are still a live prefix of the language.
 */
class ConstrainedGenerationTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path home;
    static Tokenizer tokenizer;
    static RandomWeights weights;
    static Transformer model;
    static TokenTrie trie;
    static int[] prompt;

    @BeforeAll
    static void load() throws Exception {
        int vocab = ByteLevelBpeBuilder.write(home, 1500);
        tokenizer = Tokenizer.load(home.resolve("tokenizer.json"));
        ModelConfig config = new ModelConfig(Architecture.LLAMA, 64, 2, 4, 2, 16, 128, (vocab + 63) / 64 * 64, 1e-5,
                10000.0, null, 512, false, false, tokenizer.tokenId("<|endoftext|>"),
                List.of(tokenizer.tokenId("<|im_end|>"), tokenizer.tokenId("<|endoftext|>")));
        weights = new RandomWeights(config, 31);
        model = Transformer.load(config, weights, RuntimeOptions.CPU);
        trie = TokenTrie.of(tokenizer.tokenBytes());
        prompt = tokenizer.encode("Answer in JSON:");
    }

    @AfterAll
    static void close() {
        model.close();
        weights.close();
        tokenizer.close();
    }

    static SamplingParams temperatureOne(long seed) {
        return new SamplingParams(1.0, 1.0, -1, 0, seed, 0, 0, 1, -1);
    }

    static List<GenerationResult> run(List<GenerationRequest> requests, int slots) {
        List<GenerationResult> results = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            results.add(null);
        }
        try (BatchGenerator g = new BatchGenerator(model, tokenizer, slots, 256)) {
            for (int i = 0; i < requests.size(); i++) {
                int index = i;
                g.submit(requests.get(i), null, new TokenListener() {
                    @Override
                    public void onToken(GeneratedToken token) {}

                    @Override
                    public void onFinish(GenerationResult result) {
                        results.set(index, result);
                    }
                });
            }
            g.runToCompletion();
        }
        return results;
    }

    @Test
    void everyFinishedOutputOfRandomSchemasValidates() throws Exception {
        RandomSchemas schemas = new RandomSchemas(21, 0.15);
        List<JsonNode> drawn = new ArrayList<>();
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            JsonNode schema = schemas.next();
            drawn.add(schema);
            requests.add(GenerationRequest.of(prompt, temperatureOne(100 + i), 120)
                    .withConstraint(Constraint.of(Grammars.jsonSchema(schema), trie)));
        }
        List<GenerationResult> results = run(requests, 16);
        int finished = 0;
        for (int i = 0; i < results.size(); i++) {
            GenerationResult r = results.get(i);
            JsonNode schema = drawn.get(i);
            if (r.finishReason() == FinishReason.STOP) {
                finished++;
                JsonNode value = JSON.readTree(r.text());
                assertNull(new SchemaValidator(schema).problem(value), () -> r.text() + " against " + schema);
            } else {
                assertEquals(FinishReason.LENGTH, r.finishReason(), () -> "" + r.error());
                assertEquals(120, r.completionTokens());
                Grammar g = Grammars.jsonSchema(schema);
                assertFalse(g.advance(g.start(), r.text()).isDead(), r.text());
            }
        }
        System.out.printf("random schemas on the embedded model at temperature 1: %d of %d finished by themselves%n",
                finished, results.size());
        assertTrue(finished >= results.size() / 2, finished + " of " + results.size() + " finished");
    }

    @Test
    void constrainedAndFreeRowsShareSteps() throws Exception {
        GenerationRequest free = new GenerationRequest(prompt, temperatureOne(5), 24, List.of(), Set.of(), true);
        GrammarConstraint choice = Constraint.of(Grammars.choice(List.of("yes", "no", "perhaps")), trie);
        GrammarConstraint regex = Constraint.of(Grammars.regex("[a-c]{3}-\\d{2}"), trie);
        GrammarConstraint object = Constraint.of(Grammars.jsonSchema("{\"type\":\"object\",\"properties\":{\"ok\":"
                + "{\"type\":\"boolean\"},\"n\":{\"type\":\"integer\"}},\"required\":[\"ok\",\"n\"],"
                + "\"additionalProperties\":false}"), trie);
        List<GenerationRequest> batch = List.of(free,
                GenerationRequest.of(prompt, temperatureOne(6), 50).withConstraint(choice),
                GenerationRequest.of(prompt, temperatureOne(7), 50).withConstraint(regex),
                GenerationRequest.of(prompt, temperatureOne(8), 80).withConstraint(object),
                GenerationRequest.of(prompt, temperatureOne(9), 50).withConstraint(choice));
        List<GenerationResult> results = run(batch, batch.size());
        assertArrayEquals(run(List.of(free), 1).get(0).tokenIds(), results.get(0).tokenIds(),
                "a free row samples what it samples alone");
        assertEquals(FinishReason.LENGTH, results.get(0).finishReason());
        assertTrue(Set.of("yes", "no", "perhaps").contains(results.get(1).text()), results.get(1).text());
        assertTrue(results.get(2).text().matches("[a-c]{3}-\\d{2}"), results.get(2).text());
        JsonNode value = JSON.readTree(results.get(3).text());
        assertTrue(value.get("ok").isBoolean() && value.get("n").isIntegralNumber() && value.size() == 2,
                results.get(3).text());
        assertTrue(Set.of("yes", "no", "perhaps").contains(results.get(4).text()), results.get(4).text());
        for (int i = 1; i < results.size(); i++) {
            assertEquals(FinishReason.STOP, results.get(i).finishReason(), "row " + i);
        }
        GenerationResult again = run(List.of(batch.get(2)), 1).get(0);
        assertArrayEquals(again.tokenIds(), results.get(2).tokenIds(), "a constrained row does not depend on its batch");
    }

    @Test
    void logprobsOfAConstrainedRowDescribeItsMaskedDistribution() {
        GrammarConstraint choice = Constraint.of(Grammars.choice(List.of("yes", "no")), trie);
        SamplingParams withLogprobs = new SamplingParams(1.0, 1.0, -1, 0, 4L, 0, 0, 1, 20);
        GenerationResult r = run(List.of(GenerationRequest.of(prompt, withLogprobs, 10).withConstraint(choice)), 1)
                .get(0);
        assertTrue(Set.of("yes", "no").contains(r.text()), r.text());
        for (var sample : r.samples()) {
            double mass = 0;
            for (float lp : sample.topLogprobs()) {
                assertTrue(Float.isFinite(lp), "only allowed tokens are alternatives");
                mass += Math.exp(lp);
            }
            assertTrue(sample.topIds().length < 20, "fewer tokens are allowed than alternatives were asked for");
            assertEquals(1.0, mass, 1e-3, "the alternatives are every allowed token: all the mass");
        }
    }

    @Test
    void aCompleteDocumentEndsAtEosEvenWhenEosIsIgnored() {
        GrammarConstraint choice = Constraint.of(Grammars.choice(List.of("on", "off")), trie);
        GenerationRequest ignoring = new GenerationRequest(prompt, temperatureOne(12), 40, List.of(), Set.of(), true,
                choice);
        GenerationResult r = run(List.of(ignoring), 1).get(0);
        assertEquals(FinishReason.STOP, r.finishReason());
        assertTrue(Set.of("on", "off").contains(r.text()), r.text());
        assertTrue(r.completionTokens() < 40);
    }

    @Test
    void maxTokensCutsAConstrainedOutputWithLength() {
        GrammarConstraint object = Constraint.of(Grammars.jsonObject(), trie);
        GenerationResult r = run(List.of(GenerationRequest.of(prompt, temperatureOne(3), 3).withConstraint(object)), 1)
                .get(0);
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(3, r.completionTokens());
        assertTrue(r.text().startsWith("{"), r.text());
    }
}
