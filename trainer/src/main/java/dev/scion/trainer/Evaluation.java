package dev.scion.trainer;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.scion.engine.LoadedModel;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.runtime.LoraDelta;
import dev.scion.engine.runtime.Transformer;
import dev.scion.trainer.data.TrainingExample;
import dev.scion.trainer.lora.LoraParameters;
import dev.scion.trainer.loop.TokenBatch;
import dev.scion.trainer.loop.TrainableParameters;
import dev.scion.trainer.loop.TokenLoss;
import java.util.List;

/**
 * Scoring an adapter (or the base model) on examples: token loss, and exact-match accuracy for short answers.
 * Exact match is read off one teacher-forced pass: greedy decoding reproduces an answer exactly when the model's
 * most likely token is the reference token at every one of its positions, given the reference before it.
 */
public final class Evaluation {
    /** Answers up to this many tokens are checked for exact match. */
    public static final int SHORT_ANSWER_TOKENS = 32;

    private static final int BATCH = 16;

    private Evaluation() {}

    /** @param adapter the adapter to score, or null for the base model */
    public static EvalScore score(LoadedModel model, LoraAdapter adapter, List<TrainingExample> examples) {
        LoraParameters params = adapter == null ? null : LoraParameters.continuing(adapter, null);
        return score(model.transformer(), params, examples);
    }

    /** Scores the trainer's current parameters, LoRA factors or full weights (null: the base model). */
    public static EvalScore score(Transformer model, TrainableParameters params, List<TrainingExample> examples) {
        double lossSum = 0;
        int tokens = 0;
        int exact = 0;
        boolean allShort = true;
        for (int start = 0; start < examples.size(); start += BATCH) {
            List<TrainingExample> chunk = examples.subList(start, Math.min(examples.size(), start + BATCH));
            TokenBatch batch = TokenBatch.of(chunk);
            try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope()) {
                TrainableParameters.Attached attached = params == null ? null
                        : params.attach(model, manager, 0, false);
                TokenLoss.Scores scores = attached == null
                        ? TokenLoss.forward(model, LoraDelta.NONE, batch, manager, false)
                        : TokenLoss.forward(attached.model(), attached.delta(), batch, manager, false);
                boolean[] wrong = new boolean[chunk.size()];
                if (scores != null) {
                    float[] losses = scores.perTarget().toFloatArray();
                    long[] argmax = scores.argmax().toLongArray();
                    for (int t = 0; t < losses.length; t++) {
                        lossSum += losses[t];
                        wrong[batch.targetExample()[t]] |= argmax[t] != batch.targets()[t];
                    }
                    tokens += losses.length;
                }
                for (int i = 0; i < chunk.size(); i++) {
                    exact += wrong[i] ? 0 : 1;
                    allShort &= TokenBatch.targets(chunk.get(i)) <= SHORT_ANSWER_TOKENS;
                }
                scope.suppressNotUsedWarning();
            }
        }
        double loss = tokens == 0 ? Double.NaN : lossSum / tokens;
        double accuracy = examples.isEmpty() || !allShort ? Double.NaN : (double) exact / examples.size();
        return new EvalScore(examples.size(), tokens, loss, accuracy, exact);
    }
}
