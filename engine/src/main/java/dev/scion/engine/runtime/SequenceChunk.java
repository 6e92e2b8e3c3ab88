package dev.scion.engine.runtime;

/**
 * The tokens one sequence contributes to a forward step: a whole or partial prompt (prefill) or
 * the single token it just sampled (decode).
 *
 * @param slot the KV-cache slot the sequence holds
 * @param startPosition position of {@code tokens[0]}; positions before it are already cached
 * @param adapter index of the sequence's adapter in the step's {@link dev.scion.engine.lora.LoraBatch}, or -1 for the base model
 */
public record SequenceChunk(int slot, int startPosition, int[] tokens, int adapter) {
    public SequenceChunk {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a chunk needs at least one token");
        }
    }

    public int endPosition() {
        return startPosition + tokens.length;
    }
}
