package dev.scion.server.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every OpenAI-shaped response that Scion's spec accepts also satisfies OpenAI's own published schema, so an
 * OpenAI client can read it. Each sample is first held to Scion's spec, then to OpenAI's.
 */
class OpenAiCompatibilityTest {

    @Test
    void chatCompletionsMatchOpenAi() {
        bothAccept("CreateChatCompletionResponse", Samples.CHAT_COMPLETION);
        bothAccept("CreateChatCompletionResponse", Samples.CHAT_COMPLETION_WITH_LOGPROBS);
    }

    @Test
    void chatChunksMatchOpenAi() {
        bothAccept("CreateChatCompletionStreamResponse", Samples.CHAT_CHUNK_FIRST);
        bothAccept("CreateChatCompletionStreamResponse", Samples.CHAT_CHUNK_LAST);
        bothAccept("CreateChatCompletionStreamResponse", Samples.CHAT_CHUNK_USAGE);
    }

    @Test
    void completionsMatchOpenAi() {
        bothAccept("CreateCompletionResponse", Samples.COMPLETION);
        bothAccept("CreateCompletionResponse", Samples.COMPLETION_WITH_LOGPROBS);
    }

    @Test
    void completionChunksMatchOpenAiExceptTheNullFinishReasonOpenAiAlsoSends() {
        String lastChunk = Samples.COMPLETION_CHUNK.replace("\"finish_reason\": null", "\"finish_reason\": \"stop\"")
                .replace("]}", "], \"usage\": {\"prompt_tokens\": 1, \"completion_tokens\": 1, \"total_tokens\": 2}}");
        assertEquals(List.of(), OpenApiContract.schemaViolations("CreateCompletionStreamResponse", lastChunk));
        assertEquals(List.of(), OpenAiSchemas.violations("CreateCompletionResponse", lastChunk));
        // OpenAI's schema types a chunk's finish_reason as a non-null string, though its API streams null until
        // the last chunk; Scion's chunk schema documents the null.
        List<String> openAi = OpenAiSchemas.violations("CreateCompletionResponse", Samples.COMPLETION_CHUNK);
        assertTrue(openAi.stream().anyMatch(e -> e.contains("finish_reason")), openAi::toString);
    }

    @Test
    void modelsMatchOpenAi() {
        bothAccept("ListModelsResponse", Samples.MODELS);
        bothAccept("Model", Samples.MODEL);
    }

    @Test
    void errorsMatchOpenAi() {
        bothAccept("ErrorResponse", Samples.ERROR_UNKNOWN_MODEL);
        bothAccept("ErrorResponse", Samples.ERROR_QUEUE_FULL);
    }

    /** The OpenAI check has teeth: the classic mistakes fail OpenAI's schema too. */
    @Test
    void openAiSchemasRejectWhatOpenAiClientsCannotRead() {
        List<String> noLogprobs = OpenAiSchemas.violations("CreateChatCompletionResponse",
                Samples.CHAT_COMPLETION.replace("\"logprobs\": null, ", ""));
        assertTrue(noLogprobs.stream().anyMatch(e -> e.contains("logprobs")), noLogprobs::toString);
        List<String> noRefusal = OpenAiSchemas.violations("CreateChatCompletionResponse",
                Samples.CHAT_COMPLETION.replace(", \"refusal\": null", ""));
        assertTrue(noRefusal.stream().anyMatch(e -> e.contains("refusal")), noRefusal::toString);
        List<String> wrongObject = OpenAiSchemas.violations("CreateChatCompletionStreamResponse",
                Samples.CHAT_CHUNK_FIRST.replace("chat.completion.chunk", "chat.completion"));
        assertTrue(wrongObject.stream().anyMatch(e -> e.contains("chat.completion")), wrongObject::toString);
        List<String> noErrorType = OpenAiSchemas.violations("ErrorResponse",
                "{\"error\": {\"message\": \"m\", \"param\": null, \"code\": null}}");
        assertTrue(noErrorType.stream().anyMatch(e -> e.contains("type")), noErrorType::toString);
        List<String> stringCreated = OpenAiSchemas.violations("Model", Samples.MODEL.replace("1686935002",
                "\"1686935002\""));
        assertTrue(stringCreated.stream().anyMatch(e -> e.contains("created")), stringCreated::toString);
    }

    private static void bothAccept(String schema, String json) {
        assertEquals(List.of(), OpenApiContract.schemaViolations(schema, json), "Scion's " + schema);
        assertEquals(List.of(), OpenAiSchemas.violations(schema, json), "OpenAI's " + schema);
    }
}
