package dev.scion.engine.generate;

/** Why a sequence ended; the first two are OpenAI's {@code finish_reason} values. */
public enum FinishReason {
    /** An end-of-sequence token or a stop string/token was produced. */
    STOP,
    /** max_tokens or the context length was reached. */
    LENGTH,
    /** The caller cancelled (client disconnected, server shutting down). */
    CANCELLED,
    /** The step the sequence was in failed; its caller must answer with a server error. */
    ERROR;

    public String openAiName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
