package dev.scion.engine.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraFactor;
import dev.scion.engine.lora.LoraTarget;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.reference.ReferenceModel;
import dev.scion.engine.reference.TinyModels;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.runtime.Transformer;
import dev.scion.engine.sampling.SamplingParams;
import dev.scion.engine.weights.RandomWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Continuous batching on token ids: results never depend on what else is in the batch. */
class BatchGeneratorTest {
    static final ModelConfig CONFIG = TinyModels.llamaGqa();
    static RandomWeights weights;
    static Transformer model;

    @BeforeAll
    static void load() {
        weights = new RandomWeights(CONFIG, 11);
        model = Transformer.load(CONFIG, weights, RuntimeOptions.CPU);
    }

    @AfterAll
    static void close() {
        model.close();
        weights.close();
    }

    static SamplingParams sampled(long seed) {
        return new SamplingParams(1.0, 0.9, 50, 0, seed, 0.5, 0.2, 1.1, 3);
    }

    /** Runs requests through one generator with the given number of slots; results in submission order. */
    static List<GenerationResult> run(int slots, List<GenerationRequest> requests, List<DeviceAdapter> adapters) {
        List<GenerationResult> results = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            results.add(null);
        }
        try (BatchGenerator generator = new BatchGenerator(model, null, slots, 64, 4, Integer.MAX_VALUE)) {
            for (int i = 0; i < requests.size(); i++) {
                int index = i;
                generator.submit(requests.get(i), adapters == null ? null : adapters.get(i), new TokenListener() {
                    @Override
                    public void onToken(GeneratedToken token) {}

                    @Override
                    public void onFinish(GenerationResult result) {
                        results.set(index, result);
                    }
                });
            }
            generator.runToCompletion();
        }
        return results;
    }

    @Test
    void greedyGenerationMatchesTheReference() {
        int[] prompt = {1, 40, 7, 200, 13};
        GenerationResult r = run(1, List.of(new GenerationRequest(prompt, SamplingParams.GREEDY, 8, List.of(),
                Set.of(), true)), null).get(0);
        assertArrayEquals(new ReferenceModel(CONFIG, weights).greedy(prompt, 8), r.tokenIds());
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(5, r.promptTokens());
        assertEquals(13, r.totalTokens());
    }

    @Test
    void sequencesInOneBatchGetWhatTheyGetAlone() {
        List<GenerationRequest> requests = List.of(
                new GenerationRequest(new int[] {1, 2, 3}, SamplingParams.GREEDY, 6, List.of(), Set.of(), true),
                new GenerationRequest(new int[] {1, 9, 8, 7, 6, 5, 4, 3, 2, 10, 11}, sampled(5), 9, List.of(), Set.of(), true),
                new GenerationRequest(new int[] {1, 300}, sampled(6), 4, List.of(), Set.of(), true),
                new GenerationRequest(new int[] {1, 44, 45, 46, 47}, sampled(7), 7, List.of(), Set.of(), true));
        // two slots for four sequences: the later ones queue and join while others are mid-way (prefill chunk 4)
        List<GenerationResult> batched = run(2, requests, null);
        for (int i = 0; i < requests.size(); i++) {
            GenerationResult alone = run(1, List.of(requests.get(i)), null).get(0);
            assertArrayEquals(alone.tokenIds(), batched.get(i).tokenIds(), "sequence " + i);
            assertEquals(requests.get(i).maxTokens(), batched.get(i).completionTokens());
            for (int t = 0; t < alone.samples().size(); t++) {
                assertEquals(alone.samples().get(t).logprob(), batched.get(i).samples().get(t).logprob(), 1e-4);
            }
        }
    }

    @Test
    void mixedAdapterSequencesGetWhatTheyGetAlone() {
        try (DeviceAdapter a = DeviceAdapter.upload(RandomLora.create("a", CONFIG, 4,
                        EnumSet.of(Projection.Q, Projection.V, Projection.DOWN), 1, 4.0), model);
                DeviceAdapter b = DeviceAdapter.upload(RandomLora.create("b", CONFIG, 8,
                        EnumSet.allOf(Projection.class), 2, 4.0), model)) {
            int[] prompt = {1, 50, 60, 70};
            GenerationRequest request = new GenerationRequest(prompt, SamplingParams.GREEDY, 6, List.of(), Set.of(), true);
            List<DeviceAdapter> adapters = Arrays.asList(a, null, b, a);
            List<GenerationResult> batched = run(4, List.of(request, request, request, request), adapters);
            int[] base = run(1, List.of(request), null).get(0).tokenIds();
            int[] withA = run(1, List.of(request), List.of(a)).get(0).tokenIds();
            int[] withB = run(1, List.of(request), List.of(b)).get(0).tokenIds();
            assertArrayEquals(withA, batched.get(0).tokenIds());
            assertArrayEquals(base, batched.get(1).tokenIds());
            assertArrayEquals(withB, batched.get(2).tokenIds());
            assertArrayEquals(withA, batched.get(3).tokenIds());
            assertFalse(Arrays.equals(base, withA) && Arrays.equals(base, withB), "adapters must change the output");
        }
    }

    @Test
    void sequencesBeyondTheAdapterLimitWaitInsteadOfFailing() {
        try (DeviceAdapter a = DeviceAdapter.upload(RandomLora.create("a", CONFIG, 4, EnumSet.of(Projection.Q), 1, 4.0),
                        model);
                DeviceAdapter b = DeviceAdapter.upload(RandomLora.create("b", CONFIG, 4, EnumSet.of(Projection.V), 2, 4.0),
                        model);
                BatchGenerator g = new BatchGenerator(model, null, 4, 64, 16, 1)) {
            GenerationResult[] out = new GenerationResult[3];
            GenerationRequest request = new GenerationRequest(new int[] {1, 7, 8}, SamplingParams.GREEDY, 5, List.of(),
                    Set.of(), true);
            g.submit(request, a, finish(out, 0));
            g.submit(request, b, finish(out, 1));
            g.submit(request, a, finish(out, 2));
            g.step();
            assertEquals(2, g.runningCount(), "both sequences of adapter a run; b waits for the one adapter place");
            assertEquals(1, g.waitingCount());
            g.runToCompletion();
            assertArrayEquals(out[0].tokenIds(), out[2].tokenIds());
            assertArrayEquals(run(1, List.of(request), List.of(b)).get(0).tokenIds(), out[1].tokenIds());
            assertEquals(FinishReason.LENGTH, out[1].finishReason());
        }
    }

    @Test
    void aFailedStepEndsItsSequencesWithErrorAndFreesTheirSlots() {
        Transformer doomed = Transformer.load(CONFIG, weights, RuntimeOptions.CPU);
        BatchGenerator g = new BatchGenerator(doomed, null, 2, 32);
        GenerationResult[] out = new GenerationResult[2];
        g.submit(GenerationRequest.of(new int[] {1, 2, 3}, SamplingParams.GREEDY, 10), null, finish(out, 0));
        g.submit(GenerationRequest.of(new int[] {1, 4}, SamplingParams.GREEDY, 10), null, finish(out, 1));
        g.step();
        doomed.close(); // the next forward pass fails, as an out-of-memory or a native error would
        assertThrows(RuntimeException.class, g::step);
        assertEquals(FinishReason.ERROR, out[0].finishReason());
        assertEquals(FinishReason.ERROR, out[1].finishReason());
        assertEquals(SequenceError.Kind.STEP_FAILED, out[0].error().kind());
        assertEquals(SequenceError.Kind.STEP_FAILED, out[1].error().kind());
        assertEquals(0, g.runningCount(), "every slot is free again");
        assertFalse(g.hasWork());
    }

    /** A random adapter with every weight multiplied by {@code factor}: finite, but far past what float32 holds once multiplied. */
    static LoraAdapter inflated(String name, float factor, long seed) {
        LoraAdapter random = RandomLora.create(name, CONFIG, 4, EnumSet.of(Projection.Q, Projection.K, Projection.V),
                seed, 2.0);
        Map<LoraTarget, LoraFactor> factors = new HashMap<>();
        random.factors().forEach((target, f) -> factors.put(target, new LoraFactor(f.rank(), f.in(), f.out(),
                f.scaling(), times(f.a(), factor), times(f.b(), factor))));
        return new LoraAdapter(name, factors);
    }

    private static float[] times(float[] values, float factor) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] * factor;
        }
        return out;
    }

    @Test
    void aSequenceWhoseAdapterOverflowsEndsWithAnErrorAndItsBatchCarriesOn() {
        int[] prompt = {1, 50, 60, 70, 80, 90};
        GenerationRequest request = new GenerationRequest(prompt, SamplingParams.GREEDY, 8, List.of(), Set.of(), true);
        try (DeviceAdapter good = DeviceAdapter.upload(RandomLora.create("good", CONFIG, 4,
                        EnumSet.of(Projection.Q, Projection.V), 1, 4.0), model);
                DeviceAdapter poisoned = DeviceAdapter.upload(inflated("poisoned@2", 1e30f, 2), model);
                BatchGenerator g = new BatchGenerator(model, null, 4, 64, 4, Integer.MAX_VALUE)) {
            int[] withGood = run(1, List.of(request), List.of(good)).get(0).tokenIds();
            int[] base = run(1, List.of(request), null).get(0).tokenIds();
            GenerationResult[] out = new GenerationResult[3];
            g.submit(request, good, finish(out, 0));
            g.submit(request, poisoned, finish(out, 1));
            g.submit(request, null, finish(out, 2));
            int steps = 0;
            while (g.hasWork()) {
                assertEquals(steps < 2 ? 3 : 2, g.step(), "the step's other sequences advance at step " + steps);
                steps++;
                // 6 prompt tokens in chunks of 4, then 8 tokens: 2 + 7 steps, not one more
                assertTrue(steps <= 9, "the generator finishes instead of stepping forever");
            }
            assertEquals(9, steps);

            assertEquals(FinishReason.ERROR, out[1].finishReason());
            assertEquals(SequenceError.Kind.NON_FINITE_LOGITS, out[1].error().kind());
            assertTrue(out[1].error().blamesAdapter());
            assertTrue(out[1].error().message().contains("'poisoned@2'"), out[1].error().message());
            assertEquals(0, out[1].completionTokens(), "its first token already had no finite logits");

            assertEquals(FinishReason.LENGTH, out[0].finishReason());
            assertArrayEquals(withGood, out[0].tokenIds(), "the co-batched adapter sequence is unaffected");
            assertEquals(FinishReason.LENGTH, out[2].finishReason());
            assertArrayEquals(base, out[2].tokenIds(), "the co-batched base sequence is unaffected");
            assertTrue(out[0].error() == null && out[2].error() == null);
        }
    }

    @Test
    void aStepThatCannotBuildItsAdapterBatchEndsItsSequencesAndLaterStepsWork() {
        DeviceAdapter gone = DeviceAdapter.upload(RandomLora.create("gone", CONFIG, 4, EnumSet.of(Projection.Q), 3,
                4.0), model);
        gone.close(); // its arrays are freed: stacking it into a step's adapter batch fails
        try (DeviceAdapter a = DeviceAdapter.upload(RandomLora.create("a", CONFIG, 4, EnumSet.of(Projection.Q), 4, 4.0),
                        model);
                DeviceAdapter b = DeviceAdapter.upload(RandomLora.create("b", CONFIG, 4, EnumSet.of(Projection.Q), 5,
                        4.0), model);
                BatchGenerator g = new BatchGenerator(model, null, 3, 32)) {
            GenerationResult[] out = new GenerationResult[5];
            GenerationRequest request = new GenerationRequest(new int[] {1, 5, 6}, SamplingParams.GREEDY, 4, List.of(),
                    Set.of(), true);
            g.submit(request, a, finish(out, 0));
            g.submit(request, b, finish(out, 1));
            g.step(); // the stacked batch of {a, b} is built
            g.submit(request, gone, finish(out, 2));
            assertThrows(RuntimeException.class, g::step); // {a, b, gone} cannot be built
            for (int i = 0; i < 3; i++) {
                assertEquals(SequenceError.Kind.STEP_FAILED, out[i].error().kind(), "sequence " + i);
            }
            assertFalse(g.hasWork(), "nothing is left to fail the same way again");
            g.submit(request, a, finish(out, 3)); // {a, b} again: built afresh, not the batch closed above
            g.submit(request, b, finish(out, 4));
            g.runToCompletion();
            assertEquals(FinishReason.LENGTH, out[3].finishReason());
            assertEquals(FinishReason.LENGTH, out[4].finishReason());
            assertArrayEquals(run(1, List.of(request), List.of(a)).get(0).tokenIds(), out[3].tokenIds());
            assertArrayEquals(run(1, List.of(request), List.of(b)).get(0).tokenIds(), out[4].tokenIds());
        }
    }

    @Test
    void theSameSeedGivesTheSameTokensAndAnotherSeedOthers() {
        int[] prompt = {1, 5, 6};
        int[] first = run(1, List.of(GenerationRequest.of(prompt, sampled(42), 12)), null).get(0).tokenIds();
        int[] again = run(1, List.of(GenerationRequest.of(prompt, sampled(42), 12)), null).get(0).tokenIds();
        int[] other = run(1, List.of(GenerationRequest.of(prompt, sampled(43), 12)), null).get(0).tokenIds();
        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, other), "different seeds should differ over 12 tokens");
    }

    @Test
    void stopTokensEosAndLimitsEndSequences() {
        int[] prompt = {1, 40, 7};
        int[] greedy = new ReferenceModel(CONFIG, weights).greedy(prompt, 3);
        GenerationResult stopped = run(1, List.of(new GenerationRequest(prompt, SamplingParams.GREEDY, 10, List.of(),
                Set.of(greedy[1]), false)), null).get(0);
        assertEquals(FinishReason.STOP, stopped.finishReason());
        assertArrayEquals(Arrays.copyOf(greedy, 2), stopped.tokenIds());

        GenerationResult atContext = run(1, List.of(new GenerationRequest(new int[60], SamplingParams.GREEDY, 100,
                List.of(), Set.of(), true)), null).get(0);
        assertEquals(FinishReason.LENGTH, atContext.finishReason());
        assertEquals(64, atContext.totalTokens(), "generation stops at the 64-position context");

        assertThrows(IllegalArgumentException.class, () -> run(1, List.of(GenerationRequest.of(new int[64],
                SamplingParams.GREEDY, 1)), null));
    }

    @Test
    void eosFromTheConfigStopsUnlessIgnored() {
        int[] prompt = {1, 40, 7};
        int first = new ReferenceModel(CONFIG, weights).greedy(prompt, 1)[0];
        ModelConfig eosIsFirst = new ModelConfig(CONFIG.architecture(), CONFIG.hiddenSize(), CONFIG.numLayers(),
                CONFIG.numHeads(), CONFIG.numKvHeads(), CONFIG.headDim(), CONFIG.intermediateSize(), CONFIG.vocabSize(),
                CONFIG.rmsNormEps(), CONFIG.ropeTheta(), null, CONFIG.maxPositionEmbeddings(), false, false, 1,
                List.of(first));
        try (Transformer m = Transformer.load(eosIsFirst, weights, RuntimeOptions.CPU);
                BatchGenerator g = new BatchGenerator(m, null, 2, 32)) {
            GenerationResult[] out = new GenerationResult[2];
            g.submit(GenerationRequest.of(prompt, SamplingParams.GREEDY, 5), null, finish(out, 0));
            g.submit(new GenerationRequest(prompt, SamplingParams.GREEDY, 5, List.of(), Set.of(), true), null,
                    finish(out, 1));
            g.runToCompletion();
            assertEquals(FinishReason.STOP, out[0].finishReason());
            assertArrayEquals(new int[] {first}, out[0].tokenIds());
            assertEquals(FinishReason.LENGTH, out[1].finishReason());
            assertEquals(5, out[1].completionTokens());
        }
    }

    @Test
    void aCancelledSequenceFreesItsSlotForTheNextOne() {
        try (BatchGenerator g = new BatchGenerator(model, null, 1, 64)) {
            GenerationResult[] out = new GenerationResult[2];
            Sequence first = g.submit(new GenerationRequest(new int[] {1, 2}, SamplingParams.GREEDY, 50, List.of(),
                    Set.of(), true), null, finish(out, 0));
            g.submit(new GenerationRequest(new int[] {1, 3}, SamplingParams.GREEDY, 3, List.of(), Set.of(), true), null,
                    finish(out, 1));
            g.step();
            g.step();
            assertEquals(1, g.waitingCount(), "the second sequence waits for the only slot");
            first.cancel();
            g.runToCompletion();
            assertEquals(FinishReason.CANCELLED, out[0].finishReason());
            assertTrue(out[0].completionTokens() >= 1 && out[0].completionTokens() < 50);
            assertEquals(FinishReason.LENGTH, out[1].finishReason());
            assertEquals(3, out[1].completionTokens());
            assertNotEquals(0, out[1].tokenIds().length);
        }
    }

    static TokenListener finish(GenerationResult[] out, int index) {
        return new TokenListener() {
            @Override
            public void onToken(GeneratedToken token) {}

            @Override
            public void onFinish(GenerationResult result) {
                out[index] = result;
            }
        };
    }
}
