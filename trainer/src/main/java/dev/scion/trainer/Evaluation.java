package dev.scion.trainer;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.trainer.data.TrainingExample;
import java.util.List;

/** Scoring an adapter (or the base model) on examples: token loss, and exact-match accuracy for short answers. */
public final class Evaluation {
    /** Answers up to this many tokens are checked for exact match by greedy generation. */
    public static final int SHORT_ANSWER_TOKENS = 32;

    private Evaluation() {}

    /** @param adapter the adapter to score, or null for the base model */
    public static EvalScore score(LoadedModel model, LoraAdapter adapter, List<TrainingExample> examples) {
        throw new UnsupportedOperationException("not yet");
    }
}
