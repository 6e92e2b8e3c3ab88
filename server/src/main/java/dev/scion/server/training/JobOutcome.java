package dev.scion.server.training;

import java.util.List;

/**
 * What a finished round left: the published version and its figures.
 *
 * @param fineTunedModel {@code name@version} of the published version, or null (gate refused, failed, cancelled)
 * @param trainedTokens the training file's tokens times the epochs (OpenAI's count), or null when no round ran
 * @param resultFiles ids of the round's loss curve (CSV, purpose {@code fine-tune-results})
 * @param steps optimizer steps the round ran
 * @param trainLoss the last step's loss; NaN when unknown
 * @param validLoss the gate's held-out loss of the trained adapter; NaN when unknown
 */
public record JobOutcome(String fineTunedModel, long finishedAt, Long trainedTokens, List<String> resultFiles,
        int steps, double trainLoss, double validLoss) {

    public JobOutcome {
        resultFiles = List.copyOf(resultFiles);
    }

    /** A job that ended without a round's figures (cancelled before it ran, or failed validation). */
    public static JobOutcome empty(long finishedAt) {
        return new JobOutcome(null, finishedAt, null, List.of(), 0, Double.NaN, Double.NaN);
    }
}
