package dev.scion.trainer.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.scion.engine.runtime.Transformer;
import dev.scion.trainer.data.TrainingExample;
import dev.scion.trainer.lora.AttachedLora;
import dev.scion.trainer.lora.LoraParameters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Elastic weight consolidation: a quadratic pull, {@code lambda/2 * sum (F_i / mean F) (theta_i - theta*_i)^2},
 * towards the weights a previous round ended with, strongest where the diagonal Fisher information says those
 * weights mattered for the old data. The Fisher is divided by its mean so that lambda is a dimensionless weight:
 * raw Fisher values scale with the data's gradients (measured from 1e-5 to 1e-3 across datasets), and a raw
 * lambda tuned on one dataset was far too strong on another. It is applied in Java after each optimizer step
 * ({@link #pull}); the penalty never enters the autograd graph.
 *
 * @param fisher per parameter, same order as {@link LoraParameters#arrays()}
 * @param anchor theta*, the starting version's weights
 * @param scale 1 / the mean of {@code fisher} over every parameter
 */
public record Ewc(List<float[]> fisher, List<float[]> anchor, double scale) {

    /** The penalty with the Fisher normalised by its mean; null when the Fisher holds no information (all zero). */
    public static Ewc normalised(List<float[]> fisher, List<float[]> anchor) {
        double sum = 0;
        long count = 0;
        for (float[] f : fisher) {
            for (float v : f) {
                sum += v;
            }
            count += f.length;
        }
        return sum > 0 && Double.isFinite(sum) ? new Ewc(fisher, anchor, count / sum) : null;
    }

    /**
     * Pulls the parameters towards the anchor after an optimizer step, decoupled from the optimizer as AdamW
     * decouples weight decay: {@code theta -= min(1, rate * lambda * F / mean F) * (theta - theta*)}, where
     * {@code rate} is the step's learning rate. Adding the penalty's gradient to the loss's instead, as plain EWC
     * does, sends it through Adam's per-parameter normalisation: wherever the new data's gradient is small, a pull
     * of any strength became a full-rate step, and as the adaptive weight rose and fell the training loss swung
     * with it, so later rounds learned their data only once the schedule had decayed (measured in
     * docs/architecture.md). Capped at 1 per parameter, so no weight overshoots its anchor.
     */
    public void pull(List<float[]> params, double rate, double lambda) {
        double weight = rate * lambda * scale;
        for (int i = 0; i < params.size(); i++) {
            float[] p = params.get(i);
            float[] f = fisher.get(i);
            float[] a = anchor.get(i);
            for (int j = 0; j < p.length; j++) {
                double k = Math.min(1, weight * f[j]);
                p[j] -= (float) (k * (p[j] - a[j]));
            }
        }
    }

    /**
     * The empirical diagonal Fisher of the current parameters on (up to {@code maxExamples} of) the examples: the
     * mean over examples of the squared gradient of the example's mean token loss.
     */
    public static List<float[]> estimateFisher(Transformer model, LoraParameters params,
            List<TrainingExample> examples, int maxExamples, long seed) {
        List<TrainingExample> chosen = new ArrayList<>(examples);
        if (chosen.size() > maxExamples) {
            Collections.shuffle(chosen, new Random(seed));
            chosen = chosen.subList(0, maxExamples);
        }
        List<float[]> fisher = params.zerosLike();
        List<float[]> grads = params.zerosLike();
        int used = 0;
        for (TrainingExample example : chosen) {
            TokenBatch batch = TokenBatch.of(List.of(example));
            if (batch.targetCount() == 0) {
                continue;
            }
            for (float[] g : grads) {
                java.util.Arrays.fill(g, 0f);
            }
            try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                AttachedLora lora = new AttachedLora(params, model.config(), manager, model.computeType(), 0, true);
                TokenLoss.Scores scores = TokenLoss.forward(model, lora, batch, manager, true);
                collector.backward(scores.sum().div(manager.create((float) batch.targetCount())));
                lora.addGradients(grads);
                scope.suppressNotUsedWarning();
            }
            for (int i = 0; i < fisher.size(); i++) {
                float[] f = fisher.get(i);
                float[] g = grads.get(i);
                for (int j = 0; j < f.length; j++) {
                    f[j] += g[j] * g[j];
                }
            }
            used++;
        }
        if (used > 0) {
            for (float[] f : fisher) {
                for (int j = 0; j < f.length; j++) {
                    f[j] /= used;
                }
            }
        }
        return fisher;
    }

    /** Online EWC across rounds: the old rounds' information plus this round's. */
    public static List<float[]> accumulate(List<float[]> previous, List<float[]> current) {
        if (previous == null) {
            return current;
        }
        List<float[]> sum = new ArrayList<>();
        for (int i = 0; i < current.size(); i++) {
            float[] s = current.get(i).clone();
            float[] p = previous.get(i);
            for (int j = 0; j < s.length; j++) {
                s[j] += p[j];
            }
            sum.add(s);
        }
        return sum;
    }
}
