package dev.scion.engine.runtime;

import static dev.scion.engine.runtime.TransformerMatchesReferenceTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraFactor;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.reference.ReferenceModel;
import dev.scion.engine.reference.TinyModels;
import dev.scion.engine.weights.RandomWeights;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batching never changes a sequence's result: rows of different lengths, slots and adapters
 * decoded together give the logits each would get alone, and LoRA outputs match the reference.
 */
class BatchedStepsTest {
    static final ModelConfig CONFIG = TinyModels.qwen2();
    static final int[][] PROMPTS = {{1, 5, 9}, {1, 200, 3, 44, 12, 8, 90}, {1, 77}};
    static RandomWeights weights;
    static Transformer model;

    @BeforeAll
    static void load() {
        weights = new RandomWeights(CONFIG, 3);
        model = Transformer.load(CONFIG, weights, RuntimeOptions.CPU);
    }

    @AfterAll
    static void close() {
        model.close();
        weights.close();
    }

    /** Logits after each of {@code steps} greedy-free decode steps (fixed next tokens), run alone. */
    static List<float[]> alone(int[] prompt, int[] next, DeviceAdapter adapter) {
        List<float[]> out = new ArrayList<>();
        try (KvCache cache = new KvCache(model, 1, 32);
                LoraBatch lora = adapter == null ? LoraBatch.none() : LoraBatch.of(List.of(adapter), model)) {
            int a = adapter == null ? -1 : 0;
            out.add(model.forward(List.of(new SequenceChunk(0, 0, prompt, a)), cache, lora).row(0));
            for (int i = 0; i < next.length; i++) {
                out.add(model.forward(List.of(new SequenceChunk(0, prompt.length + i, new int[] {next[i]}, a)), cache,
                        lora).row(0));
            }
        }
        return out;
    }

    /** The same sequences prefilled in one step and then decoded together, adapters by row. */
    static List<List<float[]>> together(int[][] prompts, int[] next, List<DeviceAdapter> adapters, int[] rowAdapter) {
        List<List<float[]>> out = new ArrayList<>();
        for (int s = 0; s < prompts.length; s++) {
            out.add(new ArrayList<>());
        }
        int[] slots = {3, 0, 2}; // deliberately not in sequence order
        try (KvCache cache = new KvCache(model, 4, 32); LoraBatch lora = LoraBatch.of(adapters, model)) {
            List<SequenceChunk> prefill = new ArrayList<>();
            for (int s = 0; s < prompts.length; s++) {
                prefill.add(new SequenceChunk(slots[s], 0, prompts[s], rowAdapter[s]));
            }
            StepLogits logits = model.forward(prefill, cache, lora);
            for (int s = 0; s < prompts.length; s++) {
                out.get(s).add(logits.row(s));
            }
            for (int i = 0; i < next.length; i++) {
                List<SequenceChunk> decode = new ArrayList<>();
                for (int s = 0; s < prompts.length; s++) {
                    decode.add(new SequenceChunk(slots[s], prompts[s].length + i, new int[] {next[i]}, rowAdapter[s]));
                }
                logits = model.forward(decode, cache, lora);
                for (int s = 0; s < prompts.length; s++) {
                    out.get(s).add(logits.row(s));
                }
            }
        }
        return out;
    }

    @Test
    void aBatchEqualsEachSequenceRunAlone() {
        int[] next = {10, 11, 12, 13};
        List<List<float[]>> batch = together(PROMPTS, next, List.of(), new int[] {-1, -1, -1});
        for (int s = 0; s < PROMPTS.length; s++) {
            List<float[]> solo = alone(PROMPTS[s], next, null);
            for (int i = 0; i < solo.size(); i++) {
                assertClose(solo.get(i), batch.get(s).get(i), "sequence " + s + " step " + i);
            }
        }
    }

    @Test
    void aMixedAdapterBatchEqualsEachAdapterAloneAndTheReference() {
        LoraAdapter qv = RandomLora.create("qv", CONFIG, 4, EnumSet.of(Projection.Q, Projection.V), 1, 2.0);
        LoraAdapter all = RandomLora.create("all", CONFIG, 8, EnumSet.allOf(Projection.class), 2, 0.5);
        try (DeviceAdapter a = DeviceAdapter.upload(qv, model); DeviceAdapter b = DeviceAdapter.upload(all, model)) {
            int[] next = {20, 21, 22};
            // row 0: adapter "all", row 1: base model, row 2: adapter "qv" (ranks differ)
            List<List<float[]>> batch = together(PROMPTS, next, List.of(a, b), new int[] {1, -1, 0});
            List<float[]> soloAll = alone(PROMPTS[0], next, b);
            List<float[]> soloBase = alone(PROMPTS[1], next, null);
            List<float[]> soloQv = alone(PROMPTS[2], next, a);
            for (int i = 0; i <= next.length; i++) {
                assertClose(soloAll.get(i), batch.get(0).get(i), "adapter all, step " + i);
                assertClose(soloBase.get(i), batch.get(1).get(i), "base, step " + i);
                assertClose(soloQv.get(i), batch.get(2).get(i), "adapter qv, step " + i);
            }
            float[][] reference = new ReferenceModel(CONFIG, weights, all)
                    .logits(TransformerMatchesReferenceTest.concat(PROMPTS[0], next));
            assertClose(reference[PROMPTS[0].length - 1], soloAll.get(0), "reference with adapter");
            assertClose(reference[PROMPTS[0].length + next.length - 1], soloAll.get(next.length),
                    "reference with adapter, last step");
            float[] base = alone(PROMPTS[0], next, null).get(0);
            double diff = 0;
            for (int v = 0; v < base.length; v++) {
                diff = Math.max(diff, Math.abs(base[v] - soloAll.get(0)[v]));
            }
            assertTrue(diff > 1e-2, "the adapter must change the output, max diff " + diff);
        }
    }

    @Test
    void anAdapterWhoseBIsZeroEqualsTheBaseModel() {
        LoraAdapter random = RandomLora.create("zero", CONFIG, 8, EnumSet.allOf(Projection.class), 5, 2.0);
        Map<dev.scion.engine.lora.LoraTarget, LoraFactor> zeroB = new HashMap<>();
        random.factors().forEach((t, f) -> zeroB.put(t,
                new LoraFactor(f.rank(), f.in(), f.out(), f.scaling(), f.a(), new float[f.b().length])));
        try (DeviceAdapter fresh = DeviceAdapter.upload(new LoraAdapter("zero", zeroB), model)) {
            int[] next = {30, 31};
            List<float[]> base = alone(PROMPTS[1], next, null);
            List<float[]> adapted = alone(PROMPTS[1], next, fresh);
            for (int i = 0; i < base.size(); i++) {
                assertClose(base.get(i), adapted.get(i), "step " + i);
            }
        }
    }

    @Test
    void stepInputsAreChecked() {
        try (KvCache cache = new KvCache(model, 2, 8)) {
            assertThrows(IllegalArgumentException.class, () -> model.forward(
                    List.of(new SequenceChunk(0, 0, new int[] {CONFIG.vocabSize()}, -1)), cache, LoraBatch.none()));
            assertThrows(IllegalArgumentException.class, () -> model.forward(
                    List.of(new SequenceChunk(0, 6, new int[] {1, 2, 3}, -1)), cache, LoraBatch.none()));
            assertThrows(IllegalArgumentException.class, () -> model.forward(
                    List.of(new SequenceChunk(1, 0, new int[] {1}, -1), new SequenceChunk(1, 1, new int[] {2}, -1)),
                    cache, LoraBatch.none()));
            assertThrows(IllegalArgumentException.class, () -> model.forward(
                    List.of(new SequenceChunk(0, 0, new int[] {1}, 0)), cache, LoraBatch.none()));
        }
    }
}
