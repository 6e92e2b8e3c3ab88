package dev.scion.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.weights.DType;
import dev.scion.engine.weights.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving, pruning, replacing and clearing, and that what is read back is bit for bit what was saved. */
class CheckpointStoreTest {
    @TempDir
    Path tmp;

    /** A checkpoint's tensors whose values depend on {@code seed}, so steps are told apart by content. */
    static Map<String, TensorData> tensors(int seed) {
        Random random = new Random(seed);
        float[] a = new float[6 * 4];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat() - 0.5f;
        }
        return Map.of("layers.0.q_proj.lora_A", TensorData.f32(a, 6, 4),
                "optimizer.step_scale", TensorData.f32(new float[] {seed}, 1));
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void tensorsAndStateRoundTripBitExactly() throws IOException {
        float[] special = {Float.NaN, -0.0f, 0.0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY, 1e-42f, Float.intBitsToFloat(0x7fc00001), 0.1f, -3.25f, Float.MIN_NORMAL};
        Random random = new Random(1);
        double[] doubles = new double[2000];
        for (int i = 0; i < doubles.length; i++) {
            do {
                doubles[i] = Double.longBitsToDouble(random.nextLong());
            } while (!Double.isFinite(doubles[i]));
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("seed", Long.MIN_VALUE);
        state.put("rng", List.of(Long.MAX_VALUE, 7L, -1L));
        state.put("epoch", 3);
        state.put("lr", 0.1 + 0.2);
        state.put("tiny", Double.MIN_VALUE);
        state.put("negZero", -0.0);
        state.put("beta", 0.9f);
        state.put("doubles", Arrays.stream(doubles).boxed().collect(Collectors.toList()));
        state.put("nested", Map.of("name", "support-bot ✓ «été»", "done", false));
        state.put("nothing", null);
        CheckpointStore store = new CheckpointStore(tmp.resolve("ckpt"), 3);
        Map<String, TensorData> saved = Map.of("special", TensorData.f32(special, 3, 4),
                "half", new TensorData(DType.BF16, new long[] {2}, new float[] {1.5f, -2f}));

        Path folder = store.save(42, saved, state);

        assertEquals(tmp.resolve("ckpt").resolve("step-00000042"), folder);
        assertEquals(List.of("checksums.json", "state.json", "tensors.safetensors"), names(folder));
        TrainingCheckpoint back = store.loadNewestValid(w -> { throw new AssertionError(w); });
        assertEquals(42, back.step());
        assertEquals(folder, back.folder());
        assertEquals(List.of("half", "special"), List.copyOf(back.tensors().keySet()));
        TensorData t = back.tensors().get("special");
        assertEquals(DType.F32, t.dtype());
        assertArrayEquals(new long[] {3, 4}, t.shape());
        for (int i = 0; i < special.length; i++) {
            assertEquals(Float.floatToRawIntBits(special[i]), Float.floatToRawIntBits(t.values()[i]), "value " + i);
        }
        assertEquals(DType.BF16, back.tensors().get("half").dtype());
        assertArrayEquals(new float[] {1.5f, -2f}, back.tensors().get("half").values());

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("step", 42L);
        expected.putAll(state);
        expected.put("epoch", 3L);
        expected.put("beta", (double) 0.9f);
        assertEquals(expected, back.state(), "Map.equals compares doubles by their bits (-0.0 differs from 0.0)");
        List<?> doublesBack = (List<?>) back.state().get("doubles");
        for (int i = 0; i < doubles.length; i++) {
            assertEquals(Double.doubleToRawLongBits(doubles[i]), Double.doubleToRawLongBits((Double) doublesBack.get(i)));
        }
    }

    @Test
    void stateJsonCannotGiveBackIsRefusedNamingItsPathAndNothingIsWritten() throws IOException {
        CheckpointStore store = new CheckpointStore(tmp, 2);
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> store.save(1, tensors(1), Map.of("history", List.of(1.0, Double.NaN))));
        assertEquals("state.history[1]: NaN has no JSON form; store a finite number", nan.getMessage());
        IllegalArgumentException object = assertThrows(IllegalArgumentException.class,
                () -> store.save(1, tensors(1), Map.of("when", new Object())));
        assertTrue(object.getMessage().startsWith("state.when: a java.lang.Object does not read back"),
                object.getMessage());
        IllegalArgumentException step = assertThrows(IllegalArgumentException.class,
                () -> store.save(3, tensors(1), Map.of("step", 4)));
        assertEquals("state.step is 4 but the checkpoint is step 3", step.getMessage());
        assertEquals(List.of(), names(tmp));
    }

    @Test
    void keepTwoLeavesTheTwoNewestAndNothingElse() throws IOException {
        CheckpointStore store = new CheckpointStore(tmp.resolve("c"), 2);
        for (int step = 10; step <= 40; step += 10) {
            store.save(step, tensors(step), Map.of());
        }
        assertEquals(List.of(30, 40), store.steps());
        assertEquals(List.of("step-00000030", "step-00000040"), names(tmp.resolve("c")));
        assertEquals(40, store.loadNewestValid(w -> { }).step());
    }

    @Test
    void theStepJustSavedIsNeverPrunedEvenWhenNewerOnesExist() throws IOException {
        CheckpointStore store = new CheckpointStore(tmp, 1);
        store.save(50, tensors(50), Map.of());
        store.save(5, tensors(5), Map.of());
        assertEquals(List.of(5), store.steps());
    }

    @Test
    void savingAnExistingStepReplacesIt() throws IOException {
        CheckpointStore store = new CheckpointStore(tmp, 3);
        store.save(7, tensors(1), Map.of("run", "first"));
        store.save(7, tensors(2), Map.of("run", "second"));
        TrainingCheckpoint back = store.loadNewestValid(w -> { throw new AssertionError(w); });
        assertEquals("second", back.state().get("run"));
        assertArrayEquals(tensors(2).get("optimizer.step_scale").values(),
                back.tensors().get("optimizer.step_scale").values());
        assertEquals(List.of("step-00000007"), names(tmp));
    }

    @Test
    void aReplacementInterruptedBetweenItsRenamesIsUndone() throws IOException {
        CheckpointStore store = new CheckpointStore(tmp, 3);
        store.save(7, tensors(1), Map.of("run", "old"));
        // killed after the old folder was renamed aside, before the new one was renamed in
        Files.move(tmp.resolve("step-00000007"), tmp.resolve(".replaced-step-00000007"));
        Files.createDirectory(tmp.resolve(".tmp-new"));

        assertEquals(List.of(7), store.steps());
        assertEquals("old", store.loadNewestValid(w -> { throw new AssertionError(w); }).state().get("run"));
        assertEquals(List.of(".tmp-new", "step-00000007"), names(tmp));
    }

    @Test
    void aReplacementInterruptedAfterTheNewFolderArrivedKeepsTheNewOne() throws IOException {
        CheckpointStore store = new CheckpointStore(tmp, 3);
        store.save(7, tensors(1), Map.of("run", "new"));
        Path old = Files.createDirectory(tmp.resolve(".replaced-step-00000007"));
        Files.writeString(old.resolve("state.json"), "{\"step\": 7, \"run\": \"old\"}");

        assertEquals("new", store.loadNewestValid(w -> { throw new AssertionError(w); }).state().get("run"));
        assertEquals(List.of("step-00000007"), names(tmp));
    }

    @Test
    void clearDeletesEveryCheckpointAndTheStoreStartsOver() throws IOException {
        CheckpointStore store = new CheckpointStore(tmp, 3);
        store.save(1, tensors(1), Map.of());
        store.save(2, tensors(2), Map.of());
        Files.createDirectory(tmp.resolve("corrupt-step-00000003"));
        Files.createDirectory(tmp.resolve(".tmp-dead"));
        Files.writeString(tmp.resolve("notes.txt"), "not the store's");

        store.clear();

        assertEquals(List.of("notes.txt"), names(tmp), "only the store's own entries go");
        assertNull(store.loadNewestValid(w -> { throw new AssertionError(w); }));
        assertEquals(List.of(), store.steps());
        store.save(1, tensors(9), Map.of());
        assertEquals(List.of(1), store.steps());
    }

    @Test
    void aStoreWhoseFolderDoesNotExistIsEmptyAndCreatesNothingUntilASave() throws IOException {
        Path dir = tmp.resolve("a").resolve("b");
        CheckpointStore store = new CheckpointStore(dir, 1);
        assertNull(store.loadNewestValid(w -> { throw new AssertionError(w); }));
        assertEquals(List.of(), store.steps());
        store.clear();
        assertFalse(Files.exists(dir));
        store.save(0, tensors(0), Map.of());
        assertEquals(List.of(0), store.steps());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CheckpointStore(tmp, 0));
        CheckpointStore store = new CheckpointStore(tmp, 1);
        assertThrows(IllegalArgumentException.class, () -> store.save(-1, tensors(1), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> store.save(100_000_000, tensors(1), Map.of()));
        assertThrows(NullPointerException.class, () -> store.loadNewestValid(null));
    }
}
