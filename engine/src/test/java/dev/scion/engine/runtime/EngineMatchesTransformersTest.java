package dev.scion.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.engine.generate.BatchGenerator;
import dev.scion.engine.generate.GenerationRequest;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.TokenListener;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.reference.HuggingFaceLogitsTest;
import dev.scion.engine.reference.TinyModels;
import dev.scion.engine.sampling.SamplingParams;
import dev.scion.engine.weights.RandomWeights;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The DJL engine against logits and greedy tokens recorded from Hugging Face transformers itself
 * (fixtures/hf-logits, produced on the same random weights), for every tiny architecture.
 */
class EngineMatchesTransformersTest {
    static final int[] PROMPT = HuggingFaceLogitsTest.PROMPT;

    @Test
    void logitsAndGreedyTokensMatchTransformers() throws Exception {
        JsonNode golden = HuggingFaceLogitsTest.golden();
        for (Map.Entry<String, ModelConfig> e : TinyModels.all().entrySet()) {
            ModelConfig c = e.getValue();
            float[][] expected = HuggingFaceLogitsTest.readLogits(e.getKey(), PROMPT.length + 4, c.vocabSize());
            try (RandomWeights weights = new RandomWeights(c, HuggingFaceLogitsTest.SEED);
                    Transformer model = Transformer.load(c, weights, RuntimeOptions.CPU)) {
                try (KvCache cache = new KvCache(model, 1, 32)) {
                    for (int t = 0; t < PROMPT.length; t++) {
                        float[] logits = model.forward(List.of(new SequenceChunk(0, t, new int[] {PROMPT[t]}, -1)),
                                cache, LoraBatch.none()).row(0);
                        assertArrayEquals(expected[t], logits, 1e-4f, e.getKey() + " position " + t);
                    }
                }
                JsonNode greedy = golden.get(e.getKey()).get("greedy");
                int[] tokens = new int[greedy.size()];
                for (int i = 0; i < tokens.length; i++) {
                    tokens[i] = greedy.get(i).asInt();
                }
                int[][] out = new int[1][];
                try (BatchGenerator generator = new BatchGenerator(model, null, 1, 64)) {
                    generator.submit(new GenerationRequest(PROMPT, SamplingParams.GREEDY, tokens.length, List.of(),
                            Set.of(), true), null, new TokenListener() {
                                @Override
                                public void onToken(GeneratedToken token) {}

                                @Override
                                public void onFinish(GenerationResult result) {
                                    out[0] = result.tokenIds();
                                }
                            });
                    generator.runToCompletion();
                }
                assertArrayEquals(tokens, out[0], e.getKey() + " greedy continuation");
            }
        }
    }
}
