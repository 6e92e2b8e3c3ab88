package dev.scion.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.server.ServingModel;
import dev.scion.server.api.ChoiceOutput;
import dev.scion.server.api.OpenAiJson;
import dev.scion.server.api.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Chat completions: a role chunk first, then content deltas, then a chunk carrying finish_reason. */
final class ChatFormat implements ResponseFormat {
    private final String id = OpenAiJson.newId("chatcmpl-");
    private final long created = Instant.now().getEpochSecond();
    private final ServingModel serving;
    private final String model; // what responses report: the base id or name@version
    private final boolean logprobs;

    ChatFormat(ServingModel serving, String model, boolean logprobs) {
        this.serving = serving;
        this.model = model;
        this.logprobs = logprobs;
    }

    @Override
    public List<ObjectNode> openingChunks(int choices) {
        List<ObjectNode> chunks = new ArrayList<>();
        for (int i = 0; i < choices; i++) {
            chunks.add(OpenAiJson.chatChunk(id, created, model, i, "assistant", "", null, null,
                    serving::tokenText));
        }
        return chunks;
    }

    @Override
    public ObjectNode tokenChunk(int choice, GeneratedToken token) {
        if (token.textDelta().isEmpty() && !logprobs) {
            return null;
        }
        return OpenAiJson.chatChunk(id, created, model, choice, null, token.textDelta(),
                logprobs ? List.of(token.sample()) : null, null, serving::tokenText);
    }

    @Override
    public ObjectNode finishChunk(int choice, GenerationResult result) {
        return OpenAiJson.chatChunk(id, created, model, choice, null, null, null,
                ChoiceOutput.finishReason(result.finishReason()), serving::tokenText);
    }

    @Override
    public ObjectNode usageChunk(Usage usage) {
        return OpenAiJson.usageChunk(id, created, model, usage);
    }

    @Override
    public ObjectNode fullResponse(List<GenerationResult> results, Usage usage) {
        List<ChoiceOutput> choices = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            choices.add(ChoiceOutput.of(i, results.get(i).text(), results.get(i), logprobs));
        }
        return OpenAiJson.chatCompletion(id, created, model, choices, usage, serving::tokenText);
    }
}
