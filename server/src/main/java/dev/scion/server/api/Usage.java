package dev.scion.server.api;

/** Token counts of one request, summed over its choices (and prompts, for completions). */
public record Usage(int promptTokens, int completionTokens) {

    public Usage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative: " + promptTokens + ", "
                    + completionTokens);
        }
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
