package dev.scion.engine.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.generate.BatchGenerator;
import dev.scion.engine.generate.FinishReason;
import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.GenerationRequest;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.engine.generate.TokenListener;
import dev.scion.engine.model.Architecture;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.sampling.SamplingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default model: generated deterministically, complete, and usable end to end with text. */
class DefaultModelTest {
    @TempDir
    Path tmp;

    @Test
    void generationIsDeterministicAndComplete() throws Exception {
        Path first = DefaultModel.ensure(tmp.resolve("a"));
        Path second = DefaultModel.ensure(tmp.resolve("b"));
        for (String file : DefaultModel.files()) {
            assertArrayEquals(Files.readAllBytes(first.resolve(file)), Files.readAllBytes(second.resolve(file)), file);
        }
        try (var leftovers = Files.list(tmp.resolve("a"))) {
            assertEquals(List.of(first), leftovers.toList(), "no temporary folders are left behind");
        }
        long modified = Files.getLastModifiedTime(first.resolve("model.safetensors")).toMillis();
        assertEquals(first, DefaultModel.ensure(tmp.resolve("a")));
        assertEquals(modified, Files.getLastModifiedTime(first.resolve("model.safetensors")).toMillis(),
                "an existing model is reused, not regenerated");
    }

    @Test
    void chatGenerationStreamsTextThatAddsUpAndHonoursStopStrings() throws Exception {
        try (LoadedModel model = LoadedModel.open(DefaultModel.ensure(tmp), RuntimeOptions.CPU)) {
            assertEquals(Architecture.QWEN2, model.config().architecture());
            String prompt = model.renderChat(List.of(Map.of("role", "user", "content", "Hello 世界")), null, true, Map.of());
            assertEquals("<|im_start|>user\nHello 世界<|im_end|>\n<|im_start|>assistant\n", prompt);
            int[] ids = model.requireTokenizer().encode(prompt);
            assertEquals(model.requireTokenizer().tokenId("<|im_start|>"), ids[0], "special tokens are single ids");

            GenerationResult full = generate(model, ids, List.of());
            assertEquals(FinishReason.LENGTH, full.finishReason());
            assertFalse(full.text().isEmpty());
            // stop at a piece of text the model is known to produce: the result ends just before it
            String stop = full.text().substring(full.text().length() / 2, full.text().length() / 2 + 3);
            StringBuilder streamed = new StringBuilder();
            GenerationResult stopped = generate(model, ids, List.of(stop), streamed);
            assertEquals(FinishReason.STOP, stopped.finishReason());
            assertEquals(full.text().substring(0, full.text().indexOf(stop)), stopped.text());
            assertEquals(stopped.text(), streamed.toString(), "streamed deltas add up to the final text");
            assertFalse(stopped.text().contains(stop));
        }
    }

    static GenerationResult generate(LoadedModel model, int[] ids, List<String> stops) {
        return generate(model, ids, stops, new StringBuilder());
    }

    static GenerationResult generate(LoadedModel model, int[] ids, List<String> stops, StringBuilder streamed) {
        GenerationResult[] out = new GenerationResult[1];
        try (BatchGenerator g = new BatchGenerator(model.transformer(), model.tokenizer(), 1, 256)) {
            g.submit(new GenerationRequest(ids, SamplingParams.GREEDY, 40, stops, Set.of(), true), null,
                    new TokenListener() {
                        @Override
                        public void onToken(GeneratedToken token) {
                            streamed.append(token.textDelta());
                        }

                        @Override
                        public void onFinish(GenerationResult result) {
                            out[0] = result;
                        }
                    });
            g.runToCompletion();
        }
        assertTrue(out[0] != null, "the sequence finished");
        return out[0];
    }
}
