package dev.scion.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.server.ServingModel;
import dev.scion.server.api.ChoiceOutput;
import dev.scion.server.api.OpenAiJson;
import dev.scion.server.api.Usage;
import dev.scion.server.api.toolcalls.ToolCall;
import dev.scion.server.api.toolcalls.ToolCallFormat;
import dev.scion.server.api.toolcalls.ToolCallOutput;
import dev.scion.server.api.toolcalls.ToolCallStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Chat completions: a role chunk first, then content deltas, then a chunk carrying finish_reason. When the request
 * offered tools the model may call, the output goes through a {@link ToolCallStream} per choice: content as it
 * settles, each call as two chunks once it is complete, and "tool_calls" as the finish reason.
 */
final class ChatFormat implements ResponseFormat {
    private final String id = OpenAiJson.newId("chatcmpl-");
    private final long created = Instant.now().getEpochSecond();
    private final ServingModel serving;
    private final String model; // what responses report: the base id or name@version
    private final boolean logprobs;
    private final ToolCallFormat toolCalls; // NONE: the output is all content
    private final boolean parallel;
    private final List<ToolCallStream> streams = new ArrayList<>();

    ChatFormat(ServingModel serving, String model, boolean logprobs, ToolCallFormat toolCalls, boolean parallel) {
        this.serving = serving;
        this.model = model;
        this.logprobs = logprobs;
        this.toolCalls = toolCalls;
        this.parallel = parallel;
    }

    @Override
    public List<ObjectNode> openingChunks(int choices) {
        List<ObjectNode> chunks = new ArrayList<>();
        for (int i = 0; i < choices; i++) {
            chunks.add(OpenAiJson.chatChunk(id, created, model, i, "assistant", "", null, null,
                    serving::tokenText));
            streams.add(toolCalls == ToolCallFormat.NONE ? null : new ToolCallStream(toolCalls, parallel));
        }
        return chunks;
    }

    @Override
    public List<ObjectNode> tokenChunks(int choice, GeneratedToken token) {
        ToolCallStream stream = streams.get(choice);
        if (stream == null) {
            if (token.textDelta().isEmpty() && !logprobs) {
                return List.of();
            }
            return List.of(OpenAiJson.chatChunk(id, created, model, choice, null, token.textDelta(),
                    logprobs ? List.of(token.sample()) : null, null, serving::tokenText));
        }
        return deltaChunks(choice, stream, stream.push(token.textDelta()), logprobs ? token : null);
    }

    @Override
    public List<ObjectNode> finishChunks(int choice, GenerationResult result) {
        ToolCallStream stream = streams.get(choice);
        List<ObjectNode> chunks = new ArrayList<>();
        String reason = ChoiceOutput.finishReason(result.finishReason());
        if (stream != null) {
            chunks.addAll(deltaChunks(choice, stream, stream.finish(), null));
            reason = ChoiceOutput.toolCallsFinish(reason, stream.sentCalls() > 0);
        }
        chunks.add(OpenAiJson.chatChunk(id, created, model, choice, null, null, null, reason, serving::tokenText));
        return chunks;
    }

    /** Content first (with the token's logprobs when asked, even if no text was released), then each new call. */
    private List<ObjectNode> deltaChunks(int choice, ToolCallStream stream, ToolCallStream.Delta delta,
                                         GeneratedToken token) {
        List<ObjectNode> chunks = new ArrayList<>();
        if (!delta.content().isEmpty() || token != null) {
            chunks.add(OpenAiJson.chatChunk(id, created, model, choice, null, delta.content(),
                    token == null ? null : List.of(token.sample()), null, serving::tokenText));
        }
        int first = stream.sentCalls() - delta.calls().size();
        for (int i = 0; i < delta.calls().size(); i++) {
            ToolCall call = delta.calls().get(i);
            chunks.addAll(OpenAiJson.toolCallChunks(id, created, model, choice, first + i, call));
        }
        return chunks;
    }

    @Override
    public ObjectNode usageChunk(Usage usage) {
        return OpenAiJson.usageChunk(id, created, model, usage);
    }

    @Override
    public ObjectNode fullResponse(List<GenerationResult> results, Usage usage) {
        List<ChoiceOutput> choices = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            GenerationResult result = results.get(i);
            choices.add(toolCalls == ToolCallFormat.NONE ? ChoiceOutput.of(i, result.text(), result, logprobs)
                    : ChoiceOutput.withCalls(i, ToolCallOutput.parse(toolCalls, result.text(), parallel), result,
                            logprobs));
        }
        return OpenAiJson.chatCompletion(id, created, model, choices, usage, serving::tokenText);
    }
}
