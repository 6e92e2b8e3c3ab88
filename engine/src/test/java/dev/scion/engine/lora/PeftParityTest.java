package dev.scion.engine.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.generate.BatchGenerator;
import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.GenerationRequest;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.engine.generate.TokenListener;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.reference.TinyModels;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.runtime.KvCache;
import dev.scion.engine.runtime.LoraBatch;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.runtime.SequenceChunk;
import dev.scion.engine.runtime.Transformer;
import dev.scion.engine.sampling.SamplingParams;
import dev.scion.engine.weights.RandomWeights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Adapter folders read by {@link PeftAdapter#load} and run by the engine give the logits and greedy
 * tokens that Hugging Face PEFT gives for the same folders (fixtures/peft-parity): key names, A/B
 * orientation, lora_alpha / r and rsLoRA scaling all as PEFT reads them.
 */
class PeftParityTest {
    static final int[] PROMPT = {1, 17, 250, 4, 99, 3, 311, 42, 42, 7, 128, 64};
    static final Path FIXTURES = Path.of("src/test/resources/fixtures/peft-parity");

    @ParameterizedTest
    @ValueSource(strings = {"adapter", "adapter-rslora"})
    void logitsAndGreedyTokensMatchPeft(String name) throws Exception {
        ModelConfig config = TinyModels.qwen2();
        LoraAdapter adapter = PeftAdapter.load(FIXTURES.resolve(name), name, config);
        float[] expected = floats(Files.readAllBytes(FIXTURES.resolve(name + ".f32")));
        JsonNode golden = new ObjectMapper().readTree(FIXTURES.resolve("peft.json").toFile()).get(name);
        try (RandomWeights weights = new RandomWeights(config, 20240611L);
                Transformer model = Transformer.load(config, weights, RuntimeOptions.CPU);
                DeviceAdapter device = DeviceAdapter.upload(adapter, model);
                LoraBatch lora = LoraBatch.of(List.of(device), model);
                KvCache cache = new KvCache(model, 1, 32)) {
            int vocab = config.vocabSize();
            for (int t = 0; t < PROMPT.length; t++) {
                float[] logits = model.forward(List.of(new SequenceChunk(0, t, new int[] {PROMPT[t]}, 0)), cache, lora)
                        .row(0);
                float[] row = java.util.Arrays.copyOfRange(expected, t * vocab, (t + 1) * vocab);
                assertArrayEquals(row, logits, 1e-4f, name + " position " + t);
            }
            int[] greedy = new int[golden.get("greedy").size()];
            for (int i = 0; i < greedy.length; i++) {
                greedy[i] = golden.get("greedy").get(i).asInt();
            }
            int[][] out = new int[1][];
            try (BatchGenerator g = new BatchGenerator(model, null, 1, 32)) {
                g.submit(new GenerationRequest(PROMPT, SamplingParams.GREEDY, greedy.length, List.of(), Set.of(), true),
                        device, new TokenListener() {
                            @Override
                            public void onToken(GeneratedToken token) {}

                            @Override
                            public void onFinish(GenerationResult result) {
                                out[0] = result.tokenIds();
                            }
                        });
                g.runToCompletion();
            }
            assertArrayEquals(greedy, out[0], name + " greedy continuation");
            assertEquals(PROMPT.length * vocab, expected.length);
        }
    }

    static float[] floats(byte[] bytes) {
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
