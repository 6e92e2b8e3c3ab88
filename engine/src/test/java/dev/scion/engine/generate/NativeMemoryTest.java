package dev.scion.engine.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.reference.TinyModels;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.runtime.Transformer;
import dev.scion.engine.sampling.SamplingParams;
import dev.scion.engine.weights.RandomWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The token loop must not leak native memory: every step's arrays are freed by its NDScope. A leak
 * of even one small array per op would add megabytes per hundred sequences; resident memory is
 * compared after a warm-up and after many more sequences (with adapters and batches changing).
 */
class NativeMemoryTest {
    @Test
    void residentMemoryStaysFlatAcrossManySequences() throws IOException {
        ModelConfig config = TinyModels.qwen2();
        try (RandomWeights weights = new RandomWeights(config, 1);
                Transformer model = Transformer.load(config, weights, RuntimeOptions.CPU);
                DeviceAdapter adapter = DeviceAdapter.upload(RandomLora.create("a", config, 8,
                        EnumSet.allOf(Projection.class), 3, 1.0), model);
                DeviceAdapter other = DeviceAdapter.upload(RandomLora.create("b", config, 4,
                        EnumSet.of(Projection.Q, Projection.V), 4, 1.0), model);
                BatchGenerator generator = new BatchGenerator(model, null, 4, 128, 16, Integer.MAX_VALUE)) {
            Runnable round = () -> {
                for (int i = 0; i < 8; i++) {
                    DeviceAdapter a = i % 3 == 0 ? null : (i % 3 == 1 ? adapter : other);
                    generator.submit(new GenerationRequest(new int[] {1, 5 + i, 9, 200, 17 + i},
                            new SamplingParams(0.8, 0.95, 40, 0, (long) i, 0, 0, 1, 2), 24, List.of(), Set.of(), true),
                            a, TokenListener.NONE);
                }
                generator.runToCompletion();
            };
            for (int i = 0; i < 20; i++) {
                round.run(); // warm-up: allocator arenas and the JIT settle first
            }
            int arraysBefore = model.manager().getManagedArrays().size();
            long[] phases = new long[8];
            for (int phase = 0; phase < phases.length; phase++) {
                for (int i = 0; i < 10; i++) {
                    round.run(); // 80 sequences, ~500 forward steps
                }
                phases[phase] = nativeKb();
            }
            System.out.println("native memory (RSS - heap) per phase, KiB: " + java.util.Arrays.toString(phases));
            assertEquals(arraysBefore, model.manager().getManagedArrays().size(), "live NDArrays must not accumulate");
            long growthKb = median(phases, phases.length - 3) - median(phases, 0);
            assertTrue(growthKb < 16 * 1024, "native memory grew by " + growthKb + " KiB over 640 sequences");
        }
    }

    /** Median of three consecutive phases, to ride over allocator and GC noise. */
    static long median(long[] values, int from) {
        long[] three = java.util.Arrays.copyOfRange(values, from, from + 3);
        java.util.Arrays.sort(three);
        return three[1];
    }

    /** Resident memory minus the Java heap's committed size, so heap sizing does not count as a native leak. */
    static long nativeKb() throws IOException {
        System.gc();
        return residentKb() - java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1024;
    }

    static long residentKb() throws IOException {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
