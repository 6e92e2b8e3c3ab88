package dev.scion.trainer.data;

/**
 * A conversation as tokens, with two masks over them.
 *
 * @param answerMask the tokens of assistant turns the loss applies to: their content and the end-of-turn token
 *                   the template closes them with
 * @param promptMask every token outside assistant turns (a weight-0 turn is in neither mask): what trainOnPrompt
 *                   adds
 */
record EncodedConversation(int[] tokens, boolean[] answerMask, boolean[] promptMask) {

    /** The loss mask: the answers, and with trainOnPrompt the prompt too. */
    boolean[] lossMask(boolean trainOnPrompt) {
        boolean[] mask = answerMask.clone();
        if (trainOnPrompt) {
            for (int i = 0; i < mask.length; i++) {
                mask[i] |= promptMask[i];
            }
        }
        return mask;
    }

    /** Whether any answer token lies before {@code length}. */
    boolean hasAnswerBefore(int length) {
        for (int i = 0; i < Math.min(length, answerMask.length); i++) {
            if (answerMask[i]) {
                return true;
            }
        }
        return false;
    }
}
