package dev.scion.server.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The contract helper accepts what Scion documents and rejects, with a readable reason, what it does not. */
class OpenApiContractTest {

    private static final String JSON = "application/json";
    private static final String CHAT = "/v1/chat/completions";

    @Test
    void specIsOpenApi31AndDescribesEveryEndpoint() {
        String yaml = YamlDocuments.fromClasspath(OpenApiContract.RESOURCE).toString();
        ParseOptions options = new ParseOptions();
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(yaml, null, options);
        assertEquals(List.of(), parsed.getMessages());
        assertEquals("3.1.0", parsed.getOpenAPI().getOpenapi());
        assertEquals(Set.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models", "/v1/models/{model}",
                "/v1/adapters", "/v1/adapters/{name}", "/v1/adapters/{name}/versions/{version}",
                "/v1/adapters/{name}/routing", "/v1/adapters/{name}/promote", "/v1/adapters/{name}/rollback",
                "/v1/adapters/{name}/events", "/v1/adapters/{name}/learning", "/v1/load_lora_adapter",
                "/v1/unload_lora_adapter",
                "/v1/files", "/v1/files/{file_id}", "/v1/files/{file_id}/content", "/v1/fine_tuning/jobs",
                "/v1/fine_tuning/jobs/{fine_tuning_job_id}", "/v1/fine_tuning/jobs/{fine_tuning_job_id}/events",
                "/v1/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints",
                "/v1/fine_tuning/jobs/{fine_tuning_job_id}/cancel", "/tokenize", "/detokenize", "/health", "/ready", "/metrics"), parsed.getOpenAPI().getPaths().keySet());
    }

    @Test
    void acceptsDocumentedResponses() {
        OpenApiContract.assertValid("POST", CHAT, 200, generated(JSON), Samples.CHAT_COMPLETION);
        OpenApiContract.assertValid("POST", CHAT, 200, generated(JSON), Samples.CHAT_COMPLETION_WITH_LOGPROBS);
        OpenApiContract.assertValid("POST", CHAT, 200, generated("text/event-stream"), Samples.CHAT_STREAM);
        OpenApiContract.assertValid("POST", "/v1/completions", 200, generated(JSON), Samples.COMPLETION);
        OpenApiContract.assertValid("POST", "/v1/completions", 200, generated(JSON), Samples.COMPLETION_WITH_LOGPROBS);
        OpenApiContract.assertValid("POST", "/v1/completions", 200, generated("text/event-stream; charset=utf-8"),
                Samples.COMPLETION_STREAM);
        OpenApiContract.assertValid("GET", "/v1/models", 200, JSON, Samples.MODELS);
        OpenApiContract.assertValid("GET", "/v1/models/qwen2.5-0.5b", 200, JSON, Samples.MODEL);
        OpenApiContract.assertValid("GET", "/v1/models/gpt-9", 404, JSON, Samples.ERROR_UNKNOWN_MODEL);
        OpenApiContract.assertValid("POST", "/tokenize", 200, JSON, Samples.TOKENIZE);
        OpenApiContract.assertValid("POST", "/detokenize", 200, JSON, "{\"prompt\": \"Hello\"}");
        OpenApiContract.assertValid("GET", "/health", 200, JSON, "{\"status\": \"ok\"}");
        OpenApiContract.assertValid("GET", "/ready", 200, JSON, "{\"status\": \"ready\"}");
        OpenApiContract.assertValid("GET", "/ready", 503, JSON,
                "{\"error\": {\"message\": \"loading\", \"type\": \"server_error\", \"param\": null, \"code\": null}}");
        OpenApiContract.assertValid("GET", "/metrics", 200, "text/plain; version=0.0.4; charset=utf-8",
                "# HELP up 1\n# TYPE up gauge\nup 1.0\n");
        OpenApiContract.assertValid("POST", CHAT, 429, Map.of("Content-Type", JSON, "Retry-After", "1"),
                Samples.ERROR_QUEUE_FULL);
        OpenApiContract.assertValidChatChunk(Samples.CHAT_CHUNK_FIRST);
        OpenApiContract.assertValidCompletionChunk(Samples.COMPLETION_CHUNK);
        OpenApiContract.assertValidError(Samples.ERROR_UNKNOWN_MODEL);
    }

    @Test
    void rejectsChatChoiceWithoutLogprobs() {
        String body = Samples.CHAT_COMPLETION.replace("\"logprobs\": null, ", "");
        assertRejected(chatResponse(body), "logprobs");
    }

    @Test
    void rejectsMessageWithoutRefusal() {
        assertRejected(chatResponse(Samples.CHAT_COMPLETION.replace(", \"refusal\": null", "")), "refusal");
    }

    @Test
    void rejectsWrongObjectValue() {
        assertRejected(chatResponse(Samples.CHAT_COMPLETION.replace("\"chat.completion\"", "\"chat.completions\"")),
                "chat.completions");
    }

    @Test
    void rejectsWrongTypes() {
        assertRejected(chatResponse(Samples.CHAT_COMPLETION.replace("1741570283", "\"1741570283\"")), "created");
        assertRejected(chatResponse(Samples.CHAT_COMPLETION.replace("\"Hello there.\"", "42")), "content");
    }

    @Test
    void rejectsUnknownFinishReason() {
        assertRejected(chatResponse(Samples.CHAT_COMPLETION.replace("\"stop\"", "\"content_filter\"")), "content_filter");
    }

    @Test
    void rejectsUndocumentedResponseField() {
        assertRejected(chatResponse(Samples.CHAT_COMPLETION.replace("\"id\":", "\"stop_reason\": null, \"id\":")),
                "stop_reason");
    }

    @Test
    void rejectsErrorWithoutType() {
        String body = "{\"error\": {\"message\": \"bad\", \"param\": null, \"code\": null}}";
        assertRejected(OpenApiContract.responseViolations("POST", CHAT, 400, Map.of("Content-Type", JSON), body),
                "type");
        assertThrows(AssertionError.class, () -> OpenApiContract.assertValidError(body));
    }

    @Test
    void rejectsErrorWithoutNullParamAndCode() {
        String body = "{\"error\": {\"message\": \"bad\", \"type\": \"invalid_request_error\"}}";
        assertRejected(OpenApiContract.schemaViolations(OpenApiContract.ERROR, body), "param");
    }

    @Test
    void rejectsErrorTypeOutsideTheDocumentedSet() {
        String body = "{\"error\": {\"message\": \"bad\", \"type\": \"BadRequestError\", \"param\": null,"
                + " \"code\": 400}}";
        List<String> errors = OpenApiContract.schemaViolations(OpenApiContract.ERROR, body);
        assertRejected(errors, "BadRequestError");
        assertTrue(errors.stream().anyMatch(e -> e.contains("/error/code")), errors::toString);
    }

    @Test
    void rejectsQueueFullWithoutRetryAfter() {
        assertRejected(OpenApiContract.responseViolations("POST", CHAT, 429, Map.of("Content-Type", JSON),
                Samples.ERROR_QUEUE_FULL), "Retry-After");
    }

    @Test
    void rejectsUndocumentedStatus() {
        assertRejected(OpenApiContract.responseViolations("GET", "/health", 500, Map.of("Content-Type", JSON),
                Samples.ERROR_UNKNOWN_MODEL), "500");
    }

    @Test
    void rejectsBadStreams() {
        assertRejected(chatResponse(Samples.CHAT_STREAM.replace("data: [DONE]\n\n", ""), "text/event-stream"),
                "[DONE]");
        String badChunk = Samples.CHAT_STREAM.replace("\"finish_reason\": null", "\"finish_reason\": \"eos\"");
        assertRejected(chatResponse(badChunk, "text/event-stream"), "event 0");
        assertRejected(chatResponse(Samples.CHAT_STREAM + "data: [DONE]\n\n", "text/event-stream"),
                "before the end");
        String cutOff = Samples.CHAT_STREAM.substring(0, Samples.CHAT_STREAM.length() - 2);
        assertRejected(chatResponse(cutOff, "text/event-stream"), "blank line");
        assertThrows(AssertionError.class, () -> OpenApiContract.assertValidChatChunk(
                Samples.CHAT_CHUNK_FIRST.replace("chat.completion.chunk", "chat.completion")));
        assertThrows(AssertionError.class, () -> OpenApiContract.assertValidChatChunk(
                Samples.CHAT_CHUNK_FIRST.replace("\"delta\": {\"role\": \"assistant\", \"content\": \"\"}, ", "")));
    }

    @Test
    void aStreamThatFailedAfterItStartedEndsWithOneErrorEventThenDone() {
        String error = "{\"error\":{\"message\":\"The model produced non-finite logits for this request\","
                + "\"type\":\"server_error\",\"param\":null,\"code\":\"non_finite_logits\"}}";
        String first = "data: " + Samples.oneLine(Samples.CHAT_CHUNK_FIRST) + "\n\n";
        OpenApiContract.assertValid("POST", CHAT, 200, generated("text/event-stream"),
                first + "data: " + error + "\n\ndata: [DONE]\n\n");
        assertRejected(chatResponse(first + "data: " + error + "\n\n" + first + "data: [DONE]\n\n",
                "text/event-stream"), "event 1");
        assertRejected(chatResponse(first + "data: " + error.replace("\"type\":\"server_error\",", "")
                + "\n\ndata: [DONE]\n\n", "text/event-stream"), "type");
        assertRejected(chatResponse("data: " + error + "\n\ndata: [DONE]\n\n", "text/event-stream"), "no chunk");
    }

    @Test
    void rejectsCompletionChoiceWithoutText() {
        List<String> errors = OpenApiContract.responseViolations("POST", "/v1/completions", 200,
                Map.of("Content-Type", JSON), Samples.COMPLETION.replace("\"text\": \"\\n\\nThis is indeed a test\", ",
                        ""));
        assertRejected(errors, "text");
    }

    @Test
    void rejectsModelWithoutOwner() {
        assertRejected(OpenApiContract.responseViolations("GET", "/v1/models", 200, Map.of("Content-Type", JSON),
                Samples.MODELS.replace("\"owned_by\": \"scion\",", "")), "owned_by");
    }

    @Test
    void acceptsOpenAiShapedRequestsWithUnknownFields() {
        OpenApiContract.assertValidRequest("POST", CHAT, JSON, Samples.CHAT_REQUEST);
        OpenApiContract.assertValidRequest("POST", CHAT, JSON,
                "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"temperature\": null,"
                        + " \"stop\": null, \"stream_options\": null, \"brand_new_openai_field\": {\"x\": 1}}");
        for (String prompt : List.of("\"text\"", "[\"a\", \"b\"]", "[1, 2, 3]", "[[1, 2], [3]]")) {
            OpenApiContract.assertValidRequest("POST", "/v1/completions", JSON,
                    "{\"model\": \"m\", \"prompt\": " + prompt + ", \"echo\": true, \"logprobs\": 5}");
        }
        OpenApiContract.assertValidRequest("POST", "/tokenize", JSON,
                "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],"
                        + " \"add_generation_prompt\": true, \"chat_template_kwargs\": {\"enable_thinking\": true}}");
        OpenApiContract.assertValidRequest("POST", "/detokenize", JSON, "{\"model\": \"m\", \"tokens\": [1, 2]}");
        OpenApiContract.assertValidRequest("GET", "/v1/models", (String) null, null);
    }

    @Test
    void rejectsRequestsOutsideTheDocumentedRanges() {
        String chat = "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], ";
        assertRejected(OpenApiContract.requestViolations("POST", CHAT, chat + "\"n\": 17}"), "maximum");
        assertRejected(OpenApiContract.requestViolations("POST", CHAT, chat + "\"n\": 0}"), "minimum");
        assertRejected(OpenApiContract.requestViolations("POST", CHAT, chat + "\"temperature\": 2.5}"), "maximum");
        assertRejected(OpenApiContract.requestViolations("POST", CHAT, chat + "\"temperature\": \"hot\"}"), "type");
        assertRejected(OpenApiContract.requestViolations("POST", CHAT, chat + "\"top_p\": 0}"), "minimum");
        assertRejected(OpenApiContract.requestViolations("POST", CHAT, chat + "\"top_k\": -2}"), "minimum");
        assertRejected(OpenApiContract.requestViolations("POST", CHAT, chat + "\"top_logprobs\": 21}"), "maximum");
        assertRejected(OpenApiContract.requestViolations("POST", CHAT, chat + "\"presence_penalty\": -3}"),
                "minimum");
        assertRejected(OpenApiContract.requestViolations("POST", CHAT, chat + "\"max_tokens\": 0}"), "minimum");
        assertRejected(OpenApiContract.requestViolations("POST", CHAT,
                chat + "\"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}"), "stop");
        assertRejected(OpenApiContract.requestViolations("POST", CHAT, chat + "\"logprobs\": 1}"), "logprobs");
        assertRejected(OpenApiContract.requestViolations("POST", CHAT,
                "{\"model\": \"m\", \"messages\": []}"), "messages");
        assertRejected(OpenApiContract.requestViolations("POST", CHAT,
                "{\"model\": \"m\", \"messages\": [{\"role\": \"robot\", \"content\": \"hi\"}]}"), "robot");
        assertRejected(OpenApiContract.requestViolations("POST", CHAT,
                "{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]}"),
                "content");
        assertRejected(OpenApiContract.requestViolations("POST", CHAT, "{\"messages\": []}"), "model");
        assertRejected(OpenApiContract.requestViolations("POST", "/v1/completions",
                "{\"model\": \"m\", \"prompt\": \"x\", \"logprobs\": 6}"), "maximum");
        assertRejected(OpenApiContract.requestViolations("POST", "/v1/completions",
                "{\"model\": \"m\", \"prompt\": [1, \"a\"]}"), "prompt");
        assertRejected(OpenApiContract.requestViolations("POST", "/v1/completions",
                "{\"model\": \"m\", \"prompt\": [-1]}"), "prompt");
        assertRejected(OpenApiContract.requestViolations("POST", "/detokenize",
                "{\"model\": \"m\", \"tokens\": \"1 2\"}"), "tokens");
    }

    private static List<String> chatResponse(String body) {
        return chatResponse(body, JSON);
    }

    private static List<String> chatResponse(String body, String contentType) {
        return OpenApiContract.responseViolations("POST", CHAT, 200, generated(contentType), body);
    }

    /** The headers of a generation's 200: its content type and the serving model. */
    private static Map<String, String> generated(String contentType) {
        return Map.of("Content-Type", contentType, "X-Scion-Model", "qwen2.5-0.5b");
    }

    private static void assertRejected(List<String> errors, String mentioning) {
        assertTrue(!errors.isEmpty(), "expected a contract violation mentioning " + mentioning);
        assertTrue(errors.stream().anyMatch(e -> e.contains(mentioning)),
                "no violation mentions " + mentioning + ": " + errors);
    }

    @Test
    void assertValidFailsWithTheViolations() {
        AssertionError error = assertThrows(AssertionError.class, () -> OpenApiContract.assertValid("POST", CHAT, 200,
                generated(JSON), Samples.CHAT_COMPLETION.replace("\"logprobs\": null, ", "")));
        assertTrue(error.getMessage().contains("logprobs"), error.getMessage());
        assertEquals(1, error.getMessage().lines().filter(l -> l.startsWith("  ")).count(), error.getMessage());
    }
}
