package dev.scion.trainer.data;

/**
 * The chat template rendered a conversation so that the prompt before an assistant message does not tokenize to a
 * prefix of the conversation that includes it, so the answer's tokens cannot be told apart from the prompt's. This
 * is a property of the template (for instance one that rewrites earlier turns once a later one exists), not of one
 * line's data, so it fails the load even when bad lines are skipped.
 */
final class TemplateSplitException extends BadLineException {
    TemplateSplitException(String reason) {
        super(null, reason);
    }
}
