package dev.scion.server.training;

/**
 * OpenAI's supervised hyperparameters, resolved: "auto" has become the trainer's default.
 *
 * @param learningRateMultiplier scales the trainer's default learning rate
 */
public record Hyperparameters(int nEpochs, int batchSize, double learningRateMultiplier) {
    public Hyperparameters {
        if (nEpochs < 1 || batchSize < 1 || !(learningRateMultiplier > 0) || !Double.isFinite(learningRateMultiplier)) {
            throw new IllegalArgumentException("invalid hyperparameters " + nEpochs + ", " + batchSize + ", "
                    + learningRateMultiplier);
        }
    }
}
