package dev.scion.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.sampling.SampledToken;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntFunction;

/** Log-probabilities in the two OpenAI shapes: chat's per-token objects and legacy completions' parallel arrays. */
final class LogprobsJson {

    /** OpenAI's value for "very unlikely"; JSON has no -Infinity, and a masked-out token's log-probability is one. */
    static final float VERY_UNLIKELY = -9999.0f;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private LogprobsJson() {}

    /** Chat: {@code {"content": [ChatCompletionTokenLogprob...], "refusal": null}}. */
    static ObjectNode chat(List<SampledToken> samples, IntFunction<String> tokenText) {
        ObjectNode logprobs = JSON.objectNode();
        ArrayNode content = logprobs.putArray("content");
        for (SampledToken sample : samples) {
            ObjectNode entry = tokenEntry(tokenText.apply(sample.id()), sample.logprob());
            ArrayNode top = entry.putArray("top_logprobs");
            for (int k = 0; k < sample.topIds().length; k++) {
                top.add(tokenEntry(tokenText.apply(sample.topIds()[k]), sample.topLogprobs()[k]));
            }
            content.add(entry);
        }
        logprobs.putNull("refusal");
        return logprobs;
    }

    /**
     * Legacy completions: {@code tokens}, {@code token_logprobs}, {@code top_logprobs} (one token-to-logprob object
     * per position, holding the alternatives and, as OpenAI documents, the sampled token) and {@code text_offset}.
     *
     * @param textOffset where the first token's text starts in the choice's whole text, in code points (as Python
     *                   counts string positions, like vLLM)
     */
    static ObjectNode completion(List<SampledToken> samples, int textOffset, IntFunction<String> tokenText) {
        ObjectNode logprobs = JSON.objectNode();
        ArrayNode tokens = logprobs.putArray("tokens");
        ArrayNode tokenLogprobs = logprobs.putArray("token_logprobs");
        ArrayNode topLogprobs = logprobs.putArray("top_logprobs");
        ArrayNode offsets = logprobs.putArray("text_offset");
        int offset = textOffset;
        for (SampledToken sample : samples) {
            String text = tokenText.apply(sample.id());
            tokens.add(text);
            tokenLogprobs.add(finite(sample.logprob()));
            ObjectNode top = topLogprobs.addObject();
            for (int k = 0; k < sample.topIds().length; k++) {
                String alternative = tokenText.apply(sample.topIds()[k]);
                if (!top.has(alternative)) { // two ids with the same text: keep the likelier, listed first
                    top.put(alternative, finite(sample.topLogprobs()[k]));
                }
            }
            if (!top.has(text)) {
                top.put(text, finite(sample.logprob()));
            }
            offsets.add(offset);
            offset += text.codePointCount(0, text.length());
        }
        return logprobs;
    }

    private static ObjectNode tokenEntry(String text, float logprob) {
        ObjectNode entry = JSON.objectNode();
        entry.put("token", text);
        entry.put("logprob", finite(logprob));
        ArrayNode bytes = entry.putArray("bytes");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b & 0xff);
        }
        return entry;
    }

    static float finite(float logprob) {
        return Float.isFinite(logprob) && logprob >= VERY_UNLIKELY ? logprob : VERY_UNLIKELY;
    }
}
