package dev.scion.trainer;

/**
 * One optimizer step's figures.
 *
 * @param loss mean token loss of the step's examples (EWC penalty excluded)
 * @param tokensPerSecond tokens (padding excluded) processed per second, averaged over the round so far
 * @param etaSeconds estimated seconds until the last step
 */
public record StepProgress(int step, int totalSteps, int epoch, double loss, double learningRate,
        double gradNorm, double tokensPerSecond, double etaSeconds) {}
