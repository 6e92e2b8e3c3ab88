package dev.scion.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.server.api.Usage;
import java.util.List;

/** How one endpoint shapes its stream chunks and its full response (chat and completions differ). */
interface ResponseFormat {
    /** Chunks sent once the stream opens, before any token (chat announces the assistant role). */
    List<ObjectNode> openingChunks(int choices);

    /** The chunks for one token, in order; none when there is nothing to send (no text yet, no logprobs asked). */
    List<ObjectNode> tokenChunks(int choice, GeneratedToken token);

    /** A choice's last chunks: what was held back, then the one carrying finish_reason. */
    List<ObjectNode> finishChunks(int choice, GenerationResult result);

    ObjectNode usageChunk(Usage usage);

    ObjectNode fullResponse(List<GenerationResult> results, Usage usage);
}
