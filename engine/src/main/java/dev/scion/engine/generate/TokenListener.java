package dev.scion.engine.generate;

/**
 * The streaming seam: called on the generating thread for every token and once at the end.
 * Implementations must not block (hand work to another thread) since they run in the token loop.
 */
public interface TokenListener {
    void onToken(GeneratedToken token);

    void onFinish(GenerationResult result);

    TokenListener NONE = new TokenListener() {
        @Override
        public void onToken(GeneratedToken token) {}

        @Override
        public void onFinish(GenerationResult result) {}
    };
}
