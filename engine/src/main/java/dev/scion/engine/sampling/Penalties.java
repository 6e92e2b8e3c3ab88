package dev.scion.engine.sampling;

/**
 * The repetition, presence and frequency penalties, applied in place to a row of logits.
 * Repetition follows Hugging Face (the CTRL paper): over prompt and generated tokens, a positive
 * logit is divided by the penalty and a negative one multiplied. Presence and frequency follow
 * OpenAI: over generated tokens only, {@code logit -= presence + count * frequency}. Only the ids
 * that occurred are visited.
 */
final class Penalties {

    private Penalties() {
    }

    static void apply(float[] row, int vocab, SamplingParams params, TokenCounts promptAndGenerated,
                      TokenCounts generated) {
        double repetition = params.repetitionPenalty();
        if (repetition != 1) {
            for (int i = 0; i < promptAndGenerated.distinctCount(); i++) {
                int id = promptAndGenerated.distinctId(i);
                if (id < vocab) {
                    float logit = row[id];
                    row[id] = finite(logit > 0 ? logit / repetition : logit * repetition, logit);
                }
            }
        }
        double presence = params.presencePenalty();
        double frequency = params.frequencyPenalty();
        if (presence != 0 || frequency != 0) {
            for (int i = 0; i < generated.distinctCount(); i++) {
                int id = generated.distinctId(i);
                if (id < vocab) {
                    row[id] = finite(row[id] - presence - frequency * generated.count(id), row[id]);
                }
            }
        }
    }

    /** A tiny repetition penalty must not turn a finite logit into infinity (which would poison the softmax). */
    private static float finite(double penalised, float original) {
        if (Float.isInfinite(original)) {
            return original;
        }
        return (float) Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, penalised));
    }
}
