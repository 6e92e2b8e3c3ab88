package dev.scion.server.training;

/**
 * OpenAI's supervised hyperparameters, resolved: "auto" has become the trainer's default, except for the epochs.
 *
 * @param nEpochs a fixed number of epochs, or null for "auto": the round trains to its target (exact recall of
 *     the new data, checked every epoch, at most the trainer's max epochs)
 * @param learningRateMultiplier scales the trainer's default learning rate
 */
public record Hyperparameters(Integer nEpochs, int batchSize, double learningRateMultiplier) {
    public Hyperparameters {
        if ((nEpochs != null && nEpochs < 1) || batchSize < 1 || !(learningRateMultiplier > 0) || !Double.isFinite(learningRateMultiplier)) {
            throw new IllegalArgumentException("invalid hyperparameters " + nEpochs + ", " + batchSize + ", "
                    + learningRateMultiplier);
        }
    }
}
