package dev.scion.engine.embedded;

/**
 * The shape of a small Qwen2-architecture model Scion writes itself (the embedded default, or one to pretrain),
 * with tied embeddings and the vocabulary its byte-level BPE tokenizer gets from {@code merges}.
 *
 * @param merges BPE merges learned for the tokenizer (the vocabulary is 256 bytes + merges + 3 special tokens,
 *     padded to a multiple of 64 in config.json)
 */
public record ModelShape(int hiddenSize, int layers, int heads, int kvHeads, int intermediateSize, int merges,
        int maxPositions) {

    public ModelShape {
        check(hiddenSize >= 8 && hiddenSize <= 8192, "hidden size must be 8 to 8192, got " + hiddenSize);
        check(layers >= 1 && layers <= 128, "layers must be 1 to 128, got " + layers);
        check(heads >= 1 && hiddenSize % heads == 0, "heads must divide the hidden size " + hiddenSize + ", got "
                + heads);
        check((hiddenSize / heads) % 2 == 0, "the head dimension (hidden size / heads) must be even for RoPE");
        check(kvHeads >= 1 && heads % kvHeads == 0, "kv heads must divide the heads " + heads + ", got " + kvHeads);
        check(intermediateSize >= 1, "intermediate size must be 1 or more, got " + intermediateSize);
        check(merges >= 0, "merges must be 0 or more, got " + merges);
        check(maxPositions >= 2, "max positions must be 2 or more, got " + maxPositions);
    }

    /** The embedded default's shape ({@link DefaultModel}). */
    public static ModelShape embeddedDefault() {
        return new ModelShape(256, 4, 8, 2, 768, DefaultModel.MERGES, 2048);
    }

    /** Parameters of this shape with a vocabulary of {@code vocab} (tied embeddings, Qwen2's q/k/v biases). */
    public long parameters(int vocab) {
        long h = hiddenSize;
        long kv = (long) kvHeads * (hiddenSize / heads);
        long attention = h * h + 2 * h * kv + h + 2 * kv + h * h;
        long mlp = 3 * h * intermediateSize;
        return vocab * h + layers * (attention + mlp + 2 * h) + h;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
