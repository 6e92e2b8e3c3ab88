package dev.scion.engine.constrain;

import dev.scion.engine.generate.BatchGenerator;
import dev.scion.engine.generate.GenerationRequest;
import dev.scion.engine.generate.TokenListener;
import dev.scion.engine.model.Architecture;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.runtime.Transformer;
import dev.scion.engine.sampling.SamplingParams;
import dev.scion.engine.text.Tokenizer;
import dev.scion.engine.weights.RandomWeights;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Tokens per second free vs constrained through {@link BatchGenerator}, on a tiny random-weight model with the real
 * Qwen3 vocabulary (151,936 logits per row), so the cost of masks shows against a cheap forward pass: an upper
 * bound on the relative overhead, not the 0.5B GPU figure. Run from the engine folder with the test classpath:
 * {@code java -cp target/classes:target/test-classes:<deps> dev.scion.engine.constrain.ConstrainedThroughput}.
 */
public final class ConstrainedThroughput {
    private ConstrainedThroughput() {}

    public static void main(String[] args) throws Exception {
        try (Tokenizer qwen = Tokenizer.load(Path.of("src/test/resources/fixtures/qwen3-tokenizer/tokenizer.json"))) {
            ModelConfig config = new ModelConfig(Architecture.LLAMA, 64, 2, 4, 2, 16, 128, 151936, 1e-6, 1e6, null, 512,
                    true, false, 151643, List.of(151645, 151643));
            TokenTrie trie = TokenTrie.of(qwen.tokenBytes());
            GrammarConstraint schema = Constraint.of(Grammars.jsonSchema("{\"type\":\"object\",\"properties\":{"
                    + "\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\"},\"tags\":{\"type\":\"array\","
                    + "\"items\":{\"type\":\"string\"}}},\"required\":[\"name\",\"age\",\"tags\"],"
                    + "\"additionalProperties\":false}"), trie);
            int[] prompt = qwen.encode("Describe a person as JSON:");
            try (RandomWeights weights = new RandomWeights(config, 5);
                    Transformer model = Transformer.load(config, weights, RuntimeOptions.CPU)) {
                for (int batch : new int[] {1, 8}) {
                    run(model, qwen, prompt, batch, Constraint.NONE, "warm-up");
                    run(model, qwen, prompt, batch, schema, "warm-up");
                    double free = run(model, qwen, prompt, batch, Constraint.NONE, "free");
                    double constrained = run(model, qwen, prompt, batch, schema, "json_schema");
                    System.out.printf("batch %d: constrained/free = %.2f%n", batch, constrained / free);
                }
            }
        }
    }

    private static double run(Transformer model, Tokenizer tokenizer, int[] prompt, int batch, Constraint constraint,
            String label) {
        int maxTokens = 96;
        try (BatchGenerator g = new BatchGenerator(model, tokenizer, batch, 256)) {
            for (int i = 0; i < batch; i++) {
                g.submit(new GenerationRequest(prompt, new SamplingParams(1.0, 1.0, -1, 0, 40L + i, 0, 0, 1, -1),
                        maxTokens, List.of(), Set.of(), true, constraint), null, TokenListener.NONE);
            }
            g.step(); // prefill
            long start = System.nanoTime();
            long tokens = 0;
            while (g.hasWork()) {
                tokens += g.step();
            }
            double perSecond = tokens / ((System.nanoTime() - start) / 1e9);
            if (!label.equals("warm-up")) {
                System.out.printf("batch %d %-11s %7.0f tokens/s%n", batch, label, perSecond);
            }
            return perSecond;
        }
    }
}
