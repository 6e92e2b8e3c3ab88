package dev.scion.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraFactor;
import dev.scion.engine.lora.LoraTarget;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.weights.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * An adapter that passes the publish bound yet overflows inside the model, for some tokens only: on
 * layer 0 its q_proj and k_proj updates are {@code c * h_j * e_0}, where {@code h_j} is coordinate
 * {@code j} of the token's normalised embedding. The attention score of a token with itself then
 * holds {@code (c h_j)^2}, which overflows float32 to +Infinity (softmax: NaN) exactly when
 * {@code |h_j|} is large. {@code c} sits between the safe tokens' largest {@code |h_j|} and the
 * unsafe token's, a factor of at least 17 from each, so the safe tokens' scores stay finite.
 *
 * @param safe tokens whose prompts this adapter serves; {@code unsafe} one whose prompts it fails
 */
public record PoisonedLora(LoraAdapter adapter, int[] safe, int unsafe) {

    /** Computed from the model's own embedding and layer-0 norm weights. */
    public static PoisonedLora find(Path model, ModelConfig c) throws IOException {
        int hidden = c.hiddenSize();
        int j = 0;
        double[] h = new double[c.vocabSize()];
        try (Checkpoint weights = Checkpoint.open(model)) {
            float[] embedding = weights.floats("model.embed_tokens.weight");
            float[] norm = weights.floats("model.layers.0.input_layernorm.weight");
            for (int t = 0; t < h.length; t++) {
                double squares = 0;
                for (int d = 0; d < hidden; d++) {
                    squares += (double) embedding[t * hidden + d] * embedding[t * hidden + d];
                }
                h[t] = embedding[t * hidden + j] / Math.sqrt(squares / hidden + c.rmsNormEps()) * norm[j];
            }
        }
        Integer[] byMagnitude = IntStream.range(3, h.length).boxed() // skip the first ids (bos/eos/pad)
                .sorted(Comparator.comparingDouble(t -> Math.abs(h[t]))).toArray(Integer[]::new);
        int unsafe = byMagnitude[byMagnitude.length - 1];
        double hi = Math.abs(h[unsafe]);
        int[] safe = Arrays.stream(byMagnitude, 0, 4).mapToInt(Integer::intValue).toArray();
        double lo = Arrays.stream(safe).mapToDouble(t -> Math.abs(h[t])).max().orElseThrow();
        assertTrue(hi / lo > 300, "the model has tokens far apart on coordinate " + j + ": " + hi + " vs " + lo);
        double scale = Math.sqrt(Float.MAX_VALUE / (lo * hi)); // (scale h)^2 crosses Float.MAX_VALUE between them
        float factor = (float) Math.sqrt(scale); // A and B each hold the square root
        float[] a = new float[hidden];
        a[j] = factor;
        return new PoisonedLora(new LoraAdapter("poison", Map.of(
                new LoraTarget(0, Projection.Q), factor(hidden, c.qDim(), a, factor),
                new LoraTarget(0, Projection.K), factor(hidden, c.kvDim(), a, factor))), safe, unsafe);
    }

    private static LoraFactor factor(int in, int out, float[] a, float b0) {
        float[] b = new float[out];
        b[0] = b0; // output 0: head 0, dimension 0
        return new LoraFactor(1, in, out, 1.0, a.clone(), b);
    }

    /** The safe tokens, then the unsafe one. */
    public int[] unsafePrompt() {
        int[] p = Arrays.copyOf(safe, safe.length + 1);
        p[safe.length] = unsafe;
        return p;
    }

    /** Writes it as a PEFT folder (r 1, alpha 1: scaling 1). */
    public Path write(Path dir) throws IOException {
        PeftAdapter.write(adapter, dir, PeftConfig.of(1, 1, List.of(Projection.Q, Projection.K), "scion-tiny-v1"));
        return dir;
    }
}
