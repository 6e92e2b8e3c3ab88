package dev.scion.engine.lora;

import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded random adapters for benchmarks and tests. Unlike a fresh training adapter (B = 0), both
 * factors are non-zero so the adapter really changes the output.
 */
public final class RandomLora {
    private RandomLora() {}

    public static LoraAdapter create(String name, ModelConfig config, int rank, Set<Projection> targets, long seed,
            double scaling) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<LoraTarget, LoraFactor> factors = new HashMap<>();
        for (int layer = 0; layer < config.numLayers(); layer++) {
            for (Projection p : targets) {
                int in = p.inDim(config);
                int out = p.outDim(config);
                float[] a = gaussian(random, rank * in, 1.0 / Math.sqrt(in));
                float[] b = gaussian(random, out * rank, 1.0 / Math.sqrt(rank));
                factors.put(new LoraTarget(layer, p), new LoraFactor(rank, in, out, scaling, a, b));
            }
        }
        return new LoraAdapter(name, factors);
    }

    private static float[] gaussian(SplittableRandom random, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i += 2) {
            // Box-Muller: two normals per pair of uniforms
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u1)) * std;
            v[i] = (float) (r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < n) {
                v[i + 1] = (float) (r * Math.sin(2 * Math.PI * u2));
            }
        }
        return v;
    }
}
