package dev.scion.engine.constrain;

import java.util.Set;

/**
 * A grammar with its token masks. Reusing one instance for requests with the same schema shares
 * the mask cache, so the second request finds most masks already computed.
 */
public final class GrammarConstraint implements Constraint {
    private final TokenMasks masks;

    GrammarConstraint(TokenMasks masks) {
        this.masks = masks;
    }

    public TokenMasks masks() {
        return masks;
    }

    /**
     * A new sequence's guide.
     *
     * @param endIds the ids that end a sequence (the model's eos ids and the request's stop token ids):
     *     allowed only where the output is a complete document
     */
    public Guide start(Set<Integer> endIds) {
        return new Guide(masks, endIds);
    }

    @Override
    public String toString() {
        return masks.grammar().toString();
    }
}
