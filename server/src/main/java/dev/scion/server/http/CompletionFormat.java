package dev.scion.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.server.ServingModel;
import dev.scion.server.api.ChoiceOutput;
import dev.scion.server.api.CompletionRequest;
import dev.scion.server.api.OpenAiJson;
import dev.scion.server.api.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Legacy completions: choice {@code p * n + k} is the k-th sample of prompt p; with {@code echo}
 * the prompt's text comes first (in the first chunk when streaming).
 */
final class CompletionFormat implements ResponseFormat {
    private final String id = OpenAiJson.newId("cmpl-");
    private final long created = Instant.now().getEpochSecond();
    private final ServingModel serving;
    private final String model; // what responses report: the base id or name@version
    private final CompletionRequest request;
    private final List<int[]> prompts;
    private final int[] sentCodePoints; // per choice: text already streamed, for text_offset

    CompletionFormat(ServingModel serving, String model, CompletionRequest request, List<int[]> prompts) {
        this.serving = serving;
        this.model = model;
        this.request = request;
        this.prompts = prompts;
        this.sentCodePoints = new int[prompts.size() * request.n()];
    }

    private boolean logprobs() {
        return request.logprobs() != null;
    }

    private String echo(int choice) {
        if (!request.echo()) {
            return "";
        }
        int prompt = choice / request.n();
        return request.textPrompts() != null ? request.textPrompts().get(prompt)
                : serving.model().requireTokenizer().decode(prompts.get(prompt), false);
    }

    @Override
    public List<ObjectNode> openingChunks(int choices) {
        List<ObjectNode> chunks = new ArrayList<>();
        for (int i = 0; request.echo() && i < choices; i++) {
            chunks.add(chunk(i, echo(i), null, null));
        }
        return chunks;
    }

    private ObjectNode chunk(int choice, String text, List<dev.scion.engine.sampling.SampledToken> samples,
            String finish) {
        ObjectNode c = OpenAiJson.completionChunk(id, created, model, choice, text, samples,
                sentCodePoints[choice], finish, serving::tokenText);
        sentCodePoints[choice] += text.codePointCount(0, text.length());
        return c;
    }

    @Override
    public List<ObjectNode> tokenChunks(int choice, GeneratedToken token) {
        if (token.textDelta().isEmpty() && !logprobs()) {
            return List.of();
        }
        return List.of(chunk(choice, token.textDelta(), logprobs() ? List.of(token.sample()) : null, null));
    }

    @Override
    public List<ObjectNode> finishChunks(int choice, GenerationResult result) {
        return List.of(chunk(choice, "", null, ChoiceOutput.finishReason(result.finishReason())));
    }

    @Override
    public ObjectNode usageChunk(Usage usage) {
        return OpenAiJson.completionUsageChunk(id, created, model, usage);
    }

    @Override
    public ObjectNode fullResponse(List<GenerationResult> results, Usage usage) {
        List<ChoiceOutput> choices = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            choices.add(ChoiceOutput.of(i, echo(i) + results.get(i).text(), results.get(i), logprobs()));
        }
        return OpenAiJson.completion(id, created, model, choices, usage, serving::tokenText);
    }
}
