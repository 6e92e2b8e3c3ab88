package dev.scion.trainer.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.scion.engine.runtime.LoraDelta;
import dev.scion.engine.runtime.Transformer;

/**
 * Next-token cross-entropy on a {@link TokenBatch}. Logits are computed only for the rows that predict a
 * trained token: on a 150k-token vocabulary the full (positions, vocab) matrix would dwarf everything else.
 */
public final class TokenLoss {
    private TokenLoss() {}

    /**
     * The forward pass's per-target losses.
     *
     * @param perTarget (targets) negative log-likelihood of each target token, differentiable
     * @param argmax (targets) the model's most likely token at each target position
     */
    public record Scores(NDArray perTarget, NDArray argmax) {
        public NDArray sum() {
            return perTarget.sum();
        }
    }

    /** Runs the forward in the caller's scope; with no targets there is nothing to score and null is returned. */
    public static Scores forward(Transformer model, LoraDelta lora, TokenBatch batch, NDManager manager,
            boolean recordingGradients) {
        if (batch.targetCount() == 0) {
            return null;
        }
        NDArray hidden = model.sequenceHidden(batch.idsArray(manager), lora, recordingGradients); // (batch * length, hidden)
        NDArray rows = hidden.get(new NDIndex("{}", manager.create(batch.sourceRows()))); // (targets, hidden)
        NDArray logProbs = model.logits(rows).logSoftmax(-1); // (targets, vocab)
        NDArray targets = manager.create(batch.targets(), new Shape(batch.targetCount(), 1));
        NDArray picked = logProbs.gather(targets, 1).reshape(batch.targetCount()); // (targets)
        return new Scores(picked.neg(), logProbs.argMax(-1));
    }
}
