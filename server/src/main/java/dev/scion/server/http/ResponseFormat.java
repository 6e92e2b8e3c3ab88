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

    /** The chunk for one token; null to send nothing (no text yet and no logprobs asked). */
    ObjectNode tokenChunk(int choice, GeneratedToken token);

    ObjectNode finishChunk(int choice, GenerationResult result);

    ObjectNode usageChunk(Usage usage);

    ObjectNode fullResponse(List<GenerationResult> results, Usage usage);
}
