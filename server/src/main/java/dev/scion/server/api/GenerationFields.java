package dev.scion.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scion.engine.sampling.SamplingParams;
import dev.scion.server.errors.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;

/** The fields chat and legacy completions share: model, streaming, n, sampling, stop and user. */
record GenerationFields(String model, boolean stream, boolean includeUsage, int n, SamplingParams sampling,
                        List<String> stop, String user) {

    static final int MAX_N = 16;
    static final int MAX_STOP = 4;

    /** @param topLogprobs -1 for no log-probabilities, else how many alternatives (already validated) */
    static GenerationFields parse(JsonNode body, int topLogprobs) {
        String model = Fields.requiredNonEmptyString(body, "model", "model");
        boolean stream = Fields.bool(body, "stream", false);
        boolean includeUsage = includeUsage(body, stream);
        Integer n = Fields.optionalInt(body, "n", "n", 1, MAX_N);
        refuseLogitBias(body);
        return new GenerationFields(model, stream, includeUsage, n == null ? 1 : n, sampling(body, topLogprobs),
                stop(body), Fields.optionalString(body, "user", "user"));
    }

    private static boolean includeUsage(JsonNode body, boolean stream) {
        JsonNode options = Fields.optionalObject(body, "stream_options", "stream_options");
        if (options == null) {
            return false;
        }
        if (!stream) {
            throw new InvalidRequestException("stream_options is only allowed when stream is true", "stream_options");
        }
        JsonNode include = Fields.value(options, "include_usage");
        if (include != null && !include.isBoolean()) {
            throw new InvalidRequestException("stream_options.include_usage must be a boolean",
                    "stream_options.include_usage");
        }
        return include != null && include.booleanValue();
    }

    private static SamplingParams sampling(JsonNode body, int topLogprobs) {
        double temperature = Fields.number(body, "temperature", 1.0, 0, 2);
        double topP = Fields.number(body, "top_p", 1.0, 0, 1);
        if (topP == 0) {
            throw new InvalidRequestException("top_p must be greater than 0 and at most 1, got 0", "top_p");
        }
        Integer topK = Fields.optionalInt(body, "top_k", "top_k", -1, Integer.MAX_VALUE);
        if (topK != null && topK == 0) {
            throw new InvalidRequestException("top_k must be -1 (off) or at least 1, got 0", "top_k");
        }
        double minP = Fields.number(body, "min_p", 0, 0, 1);
        double presence = Fields.number(body, "presence_penalty", 0, -2, 2);
        double frequency = Fields.number(body, "frequency_penalty", 0, -2, 2);
        double repetition = Fields.number(body, "repetition_penalty", 1, -Double.MAX_VALUE, Double.MAX_VALUE);
        if (!(repetition > 0)) {
            throw new InvalidRequestException("repetition_penalty must be greater than 0, got "
                    + body.get("repetition_penalty").asText(), "repetition_penalty");
        }
        Long seed = Fields.optionalLong(body, "seed");
        return new SamplingParams(temperature, topP, topK == null ? -1 : topK, minP, seed, presence, frequency,
                repetition, topLogprobs);
    }

    private static List<String> stop(JsonNode body) {
        JsonNode stop = Fields.value(body, "stop");
        if (stop == null) {
            return List.of();
        }
        if (stop.isTextual()) {
            return List.of(stopString(stop, "stop"));
        }
        if (!stop.isArray()) {
            throw new InvalidRequestException("stop must be a string or an array of strings", "stop");
        }
        if (stop.size() > MAX_STOP) {
            throw new InvalidRequestException("stop may hold at most " + MAX_STOP + " sequences, got " + stop.size(),
                    "stop");
        }
        List<String> stops = new ArrayList<>(stop.size());
        for (int i = 0; i < stop.size(); i++) {
            if (!stop.get(i).isTextual()) {
                throw new InvalidRequestException("stop[" + i + "] must be a string", "stop[" + i + "]");
            }
            stops.add(stopString(stop.get(i), "stop[" + i + "]"));
        }
        return List.copyOf(stops);
    }

    private static String stopString(JsonNode node, String param) {
        if (node.textValue().isEmpty()) {
            throw new InvalidRequestException(param + " must not be empty", param);
        }
        return node.textValue();
    }

    /** Biasing logits changes what is sampled; silently ignoring it would hand back different text. */
    private static void refuseLogitBias(JsonNode body) {
        JsonNode bias = Fields.optionalObject(body, "logit_bias", "logit_bias");
        if (bias != null && !bias.isEmpty()) {
            throw new InvalidRequestException("logit_bias is not supported", "logit_bias");
        }
    }

    /** A field Scion knows but cannot honour: refused when set, rather than ignored. */
    static void refuseIfPresent(JsonNode body, String name, String why) {
        if (Fields.present(body, name)) {
            throw new InvalidRequestException(name + " is not supported" + why, name);
        }
    }
}
