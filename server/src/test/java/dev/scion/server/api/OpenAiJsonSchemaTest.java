package dev.scion.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.sampling.SampledToken;
import dev.scion.server.api.toolcalls.ToolCall;
import dev.scion.server.http.ApiException;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** Every response builder's output against OpenAI's own schemas; and proof that those checks can fail. */
class OpenAiJsonSchemaTest {

    private static final OpenAiSchema SCHEMA = OpenAiSchema.get();
    private static final IntFunction<String> TEXT = id -> switch (id) {
        case 1 -> "Hel";
        case 2 -> "lo";
        case 3 -> " wörld";
        default -> "<" + id + ">";
    };
    private static final List<SampledToken> SAMPLES = List.of(
            new SampledToken(1, -0.25f, new int[] {1, 7}, new float[] {-0.25f, -1.5f}),
            new SampledToken(2, Float.NEGATIVE_INFINITY, new int[] {9, 2}, new float[] {-0.01f, -30f}),
            new SampledToken(3, -2f, new int[0], new float[0]));

    @Test
    void chatCompletionWithAndWithoutLogprobsIsAValidOpenAiObject() {
        ObjectNode body = OpenAiJson.chatCompletion("chatcmpl-1", 1700000000L, "base", List.of(
                new ChoiceOutput(0, "Hello wörld", "stop", null),
                new ChoiceOutput(1, "Hello", "length", SAMPLES)), new Usage(5, 3), TEXT);
        assertValid("CreateChatCompletionResponse", body);
        assertTrue(body.at("/choices/0/logprobs").isNull());
        assertTrue(body.at("/choices/0/message/refusal").isNull());
        assertEquals("length", body.at("/choices/1/finish_reason").asText());
        assertEquals(8, body.at("/usage/total_tokens").asInt());
    }

    @Test
    void chatChunksAreValidOpenAiChunks() {
        assertValid("CreateChatCompletionStreamResponse",
                OpenAiJson.chatChunk("chatcmpl-1", 1L, "base", 0, "assistant", "", null, null, TEXT));
        assertValid("CreateChatCompletionStreamResponse",
                OpenAiJson.chatChunk("chatcmpl-1", 1L, "base", 2, null, "Hel", SAMPLES.subList(0, 1), null, TEXT));
        ObjectNode last = OpenAiJson.chatChunk("chatcmpl-1", 1L, "base", 0, null, null, null, "length", TEXT);
        assertValid("CreateChatCompletionStreamResponse", last);
        assertEquals("length", last.at("/choices/0/finish_reason").asText());
        assertTrue(last.at("/choices/0/delta").isEmpty(), "the final delta carries nothing");
        ObjectNode usage = OpenAiJson.usageChunk("chatcmpl-1", 1L, "base", new Usage(4, 6));
        assertValid("CreateChatCompletionStreamResponse", usage);
        assertTrue(usage.get("choices").isEmpty());
        assertEquals(10, usage.at("/usage/total_tokens").asInt());
    }

    @Test
    void toolCallResponsesAndChunksAreValidOpenAiObjects() {
        ToolCall call = new ToolCall("call_abcdefghijklmnopqrstuvwx", "get_weather", "{\"city\":\"Paris\"}");
        ObjectNode body = OpenAiJson.chatCompletion("chatcmpl-1", 1L, "base", List.of(
                new ChoiceOutput(0, null, "tool_calls", null, List.of(call)),
                new ChoiceOutput(1, "Checking.", "tool_calls", SAMPLES, List.of(call, call))), new Usage(5, 3), TEXT);
        assertValid("CreateChatCompletionResponse", body);
        assertTrue(body.at("/choices/0/message/content").isNull());
        assertEquals("get_weather", body.at("/choices/0/message/tool_calls/0/function/name").asText());
        assertEquals("{\"city\":\"Paris\"}", body.at("/choices/0/message/tool_calls/0/function/arguments").asText());
        assertEquals("function", body.at("/choices/1/message/tool_calls/1/type").asText());
        List<ObjectNode> chunks = OpenAiJson.toolCallChunks("chatcmpl-1", 1L, "base", 0, 1, call);
        assertEquals(2, chunks.size());
        chunks.forEach(c -> assertValid("CreateChatCompletionStreamResponse", c));
        JsonNode first = chunks.get(0).at("/choices/0/delta/tool_calls/0");
        assertEquals(1, first.get("index").asInt());
        assertEquals(call.id(), first.get("id").asText());
        assertEquals("get_weather", first.at("/function/name").asText());
        assertEquals("", first.at("/function/arguments").asText());
        JsonNode second = chunks.get(1).at("/choices/0/delta/tool_calls/0");
        assertEquals(1, second.get("index").asInt());
        assertFalse(second.has("id"));
        assertEquals(call.arguments(), second.at("/function/arguments").asText());
        assertValid("CreateChatCompletionStreamResponse",
                OpenAiJson.chatChunk("chatcmpl-1", 1L, "base", 0, null, null, null, "tool_calls", TEXT));
    }

    @Test
    void completionIsAValidOpenAiObject() {
        ObjectNode body = OpenAiJson.completion("cmpl-1", 1L, "base", List.of(
                new ChoiceOutput(0, "Hello wörld", "stop", SAMPLES),
                new ChoiceOutput(1, "x", "length", null)), new Usage(2, 4), TEXT);
        assertValid("CreateCompletionResponse", body);
        assertEquals("text_completion", body.get("object").asText());
        assertTrue(body.at("/choices/1/logprobs").isNull());
    }

    @Test
    void completionChunksAreValidOnceMidStreamFinishReasonMayBeNull() {
        ObjectNode last = OpenAiJson.completionChunk("cmpl-1", 1L, "base", 0, "lo", SAMPLES.subList(1, 2), 3,
                "stop", TEXT);
        assertValid("CreateCompletionResponse", last);
        assertValid("CreateCompletionResponse", OpenAiJson.completionUsageChunk("cmpl-1", 1L, "base",
                new Usage(1, 2)));
        // OpenAI's schema makes finish_reason a non-null string, yet OpenAI (and vLLM) stream null until a
        // choice ends; a streamed chunk is checked against the schema with exactly that one location relaxed.
        ObjectNode middle = OpenAiJson.completionChunk("cmpl-1", 1L, "base", 0, "Hel", null, 0, null, TEXT);
        assertTrue(middle.at("/choices/0/finish_reason").isNull());
        assertFalse(SCHEMA.errors("CreateCompletionResponse", middle).isEmpty());
        ObjectNode nullableFinish = JsonNodeFactory.instance.objectNode();
        nullableFinish.putArray("type").add("string").add("null");
        nullableFinish.putArray("enum").add("stop").add("length").add("content_filter").addNull();
        assertEquals(List.of(), SCHEMA.errorsWithOverride("CreateCompletionResponse",
                "/components/schemas/CreateCompletionResponse/properties/choices/items/properties/finish_reason",
                nullableFinish, middle));
    }

    @Test
    void modelListIsAValidOpenAiListWithVllmFields() {
        ObjectNode list = OpenAiJson.modelList(List.of(new ModelCard("base", 1L, "scion", "base", null, 4096),
                new ModelCard("tuned", 2L, "scion", "tuned", "base", 4096)));
        assertValid("ListModelsResponse", list);
        assertTrue(list.at("/data/0/parent").isNull());
        assertEquals("base", list.at("/data/1/parent").asText());
        assertEquals(4096, list.at("/data/1/max_model_len").asInt());
    }

    @Test
    void everyErrorIsAValidOpenAiErrorResponse() {
        for (ApiException e : List.of(ApiException.invalidRequest("bad", "temperature"),
                ApiException.invalidRequest("long", "messages", "context_length_exceeded"),
                ApiException.unauthorized("key"), ApiException.forbidden("off", "admin_disabled"),
                ApiException.notFound("nope", "model", "model_not_found"), ApiException.notFound("no", null, null),
                ApiException.methodNotAllowed("no"), ApiException.requestTimeout("slow"),
                ApiException.conflict("in use", "file_id", "file_in_use"), ApiException.payloadTooLarge("big"),
                ApiException.rateLimited("busy"), ApiException.unavailable("loading"), ApiException.busy("full"),
                ApiException.insufficientStorage("full"), ApiException.nonFiniteLogits("nan"),
                ApiException.internal())) {
            ObjectNode json = e.toJson();
            assertValid("ErrorResponse", json);
            assertEquals(4, json.get("error").size(), json.toString());
        }
    }

    @Test
    void theValidatorRejectsWhatOpenAiClientsWouldChokeOn() {
        ObjectNode good = OpenAiJson.chatCompletion("chatcmpl-1", 1L, "base",
                List.of(new ChoiceOutput(0, "Hello", "stop", SAMPLES)), new Usage(1, 1), TEXT);
        assertValid("CreateChatCompletionResponse", good);
        assertInvalid("CreateChatCompletionResponse", good, "/choices/0", c -> ((ObjectNode) c).remove("logprobs"));
        assertInvalid("CreateChatCompletionResponse", good, "/choices/0/message",
                m -> ((ObjectNode) m).put("refusal", 5));
        assertInvalid("CreateChatCompletionResponse", good, "/choices/0/message",
                m -> ((ObjectNode) m).remove("refusal"));
        assertInvalid("CreateChatCompletionResponse", good, "/choices/0/logprobs/content/0",
                t -> ((ObjectNode) t).put("logprob", "x"));
        assertInvalid("CreateChatCompletionResponse", good, "", r -> ((ObjectNode) r).put("object", "chat"));
        assertInvalid("CreateChatCompletionResponse", good, "/choices/0",
                c -> ((ObjectNode) c).put("finish_reason", "cancelled"));
        ObjectNode chunk = OpenAiJson.chatChunk("c", 1L, "m", 0, null, "x", null, null, TEXT);
        assertInvalid("CreateChatCompletionStreamResponse", chunk, "/choices/0",
                c -> ((ObjectNode) c).remove("finish_reason"));
        assertInvalid("ErrorResponse", ApiException.internal().toJson(), "/error",
                e -> ((ObjectNode) e).remove("param"));
    }

    private static void assertInvalid(String schema, ObjectNode valid, String pointer,
                                      java.util.function.Consumer<JsonNode> breakIt) {
        ObjectNode broken = valid.deepCopy();
        breakIt.accept(broken.at(pointer));
        assertFalse(SCHEMA.errors(schema, broken).isEmpty(), "should fail " + schema + ": " + broken);
    }

    private static void assertValid(String schema, JsonNode body) {
        assertEquals(List.of(), SCHEMA.errors(schema, body), body.toString());
    }
}
