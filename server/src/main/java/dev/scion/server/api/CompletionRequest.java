package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.engine.sampling.SamplingParams;
import dev.scion.server.errors.InvalidRequestException;
import java.util.List;

/**
 * A validated {@code POST /v1/completions} body. Exactly one of {@code textPrompts} and {@code tokenPrompts} is set,
 * following OpenAI's four prompt forms: a string, an array of strings, an array of token ids, an array of arrays
 * of token ids. Token ids are checked non-negative here; checking them against the vocabulary is the server's.
 *
 * @param maxTokens 16 when absent, OpenAI's default for this endpoint
 * @param logprobs  null, or how many alternatives per token (the legacy 0..5 form); also in
 *                  {@code sampling.topLogprobs()}
 * @param constraint the structure each output must have (response_format, guided_*), or null
 */
public record CompletionRequest(String model, List<String> textPrompts, List<int[]> tokenPrompts, boolean stream,
                                boolean includeUsage, int n, SamplingParams sampling, Integer maxTokens,
                                List<String> stop, boolean echo, Integer logprobs, String user,
                                OutputConstraint constraint) {

    public static final int DEFAULT_MAX_TOKENS = 16;
    public static final int MAX_LOGPROBS = 5;

    public static CompletionRequest parse(JsonNode body) {
        Fields.requireObjectBody(body);
        Integer logprobs = Fields.optionalInt(body, "logprobs", "logprobs", 0, MAX_LOGPROBS);
        boolean echo = Fields.bool(body, "echo", false);
        if (echo && logprobs != null) {
            // OpenAI then also scores every prompt token; the engine only scores what it samples.
            throw new InvalidRequestException("echo together with logprobs is not supported", "echo");
        }
        GenerationFields common = GenerationFields.parse(body, logprobs == null ? -1 : logprobs);
        refuseUnsupported(body, common.n());
        Integer maxTokens = Fields.optionalInt(body, "max_tokens", "max_tokens", 1, Integer.MAX_VALUE);
        PromptForms prompt = PromptForms.parse(body, "prompt");
        return new CompletionRequest(common.model(), prompt.texts(), prompt.tokens(), common.stream(),
                common.includeUsage(), common.n(), common.sampling(), maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens, common.stop(),
                echo, logprobs, common.user(), OutputConstraints.parse(body));
    }

    public int promptCount() {
        return textPrompts != null ? textPrompts.size() : tokenPrompts.size();
    }

    private static void refuseUnsupported(JsonNode body, int n) {
        GenerationFields.refuseIfPresent(body, "suffix", "");
        Integer bestOf = Fields.optionalInt(body, "best_of", "best_of", 1, Integer.MAX_VALUE);
        if (bestOf != null && bestOf < n) {
            throw new InvalidRequestException("best_of must be at least n", "best_of");
        }
        if (bestOf != null && bestOf > n) {
            throw new InvalidRequestException("best_of greater than n is not supported", "best_of");
        }
    }
}
