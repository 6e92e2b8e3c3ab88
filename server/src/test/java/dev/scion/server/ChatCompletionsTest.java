package dev.scion.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /v1/chat/completions on a really started server: answers, streams, choices, stops, seeds and usage. */
class ChatCompletionsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static ScionServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static RequestSpecification api() {
        return given().port(server.port()).contentType(ContentType.JSON).filter(OpenApiContract.filter());
    }

    static String chat(String extra) {
        return "{\"model\":\"" + TestServers.modelId() + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Tell me about 量子 computing\"}]" + extra + "}";
    }

    static JsonNode post(String path, String body) throws Exception {
        Response r = api().body(body).post(path);
        assertEquals(200, r.statusCode(), r.asString());
        return JSON.readTree(r.asString());
    }

    @Test
    void aGreedyAnswerWithUsageThatMatchesTheTokenizer() throws Exception {
        JsonNode answer = post("/v1/chat/completions", chat(",\"temperature\":0,\"max_tokens\":12,\"logprobs\":true"));
        assertEquals("chat.completion", answer.get("object").asText());
        assertEquals(TestServers.modelId(), answer.get("model").asText());
        JsonNode choice = answer.at("/choices/0");
        assertEquals("assistant", choice.at("/message/role").asText());
        assertFalse(choice.at("/message/content").asText().isEmpty());
        assertEquals("length", choice.get("finish_reason").asText());
        JsonNode tokenized = post("/tokenize", "{\"model\":\"" + TestServers.modelId() + "\",\"messages\":"
                + JSON.readTree(chat("")).get("messages") + "}");
        assertEquals(tokenized.get("count").asInt(), answer.at("/usage/prompt_tokens").asInt(),
                "prompt tokens are the chat template's tokens");
        assertEquals(12, answer.at("/usage/completion_tokens").asInt());
        assertEquals(12, choice.at("/logprobs/content").size(), "one logprob entry per generated token");
        assertEquals(answer.at("/usage/prompt_tokens").asInt() + 12, answer.at("/usage/total_tokens").asInt());
    }

    @Test
    void theStreamAddsUpToTheSameAnswer() throws Exception {
        JsonNode whole = post("/v1/chat/completions", chat(",\"temperature\":0,\"max_tokens\":10"));
        SseClient.Stream stream = SseClient.read(server.port(), "/v1/chat/completions",
                chat(",\"temperature\":0,\"max_tokens\":10,\"stream\":true,\"stream_options\":{\"include_usage\":true}"), 0);
        assertEquals(200, stream.status());
        assertTrue(stream.contentType().startsWith("text/event-stream"), stream.contentType());
        assertEquals("[DONE]", stream.events().get(stream.events().size() - 1));
        StringBuilder text = new StringBuilder();
        String finish = null;
        JsonNode usage = null;
        for (String event : stream.json()) {
            OpenApiContract.assertValidChatChunk(event);
            JsonNode chunk = JSON.readTree(event);
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
                continue;
            }
            text.append(chunk.at("/choices/0/delta/content").asText(""));
            if (!chunk.at("/choices/0/finish_reason").isNull()) {
                finish = chunk.at("/choices/0/finish_reason").asText();
            }
        }
        assertEquals("assistant", JSON.readTree(stream.json().get(0)).at("/choices/0/delta/role").asText());
        assertEquals(whole.at("/choices/0/message/content").asText(), text.toString());
        assertEquals("length", finish);
        assertEquals(whole.get("usage"), usage);
    }

    @Test
    void severalChoicesWithASeedRepeatExactly() throws Exception {
        String body = chat(",\"temperature\":1.0,\"seed\":7,\"n\":3,\"max_tokens\":8");
        JsonNode first = post("/v1/chat/completions", body);
        JsonNode again = post("/v1/chat/completions", body);
        assertEquals(3, first.get("choices").size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, first.at("/choices/" + i + "/index").asInt());
            assertEquals(first.at("/choices/" + i + "/message/content"), again.at("/choices/" + i + "/message/content"));
        }
        assertNotEquals(first.at("/choices/0/message/content"), first.at("/choices/1/message/content"),
                "each choice samples with its own seed");
        assertEquals(24, first.at("/usage/completion_tokens").asInt());
        JsonNode other = post("/v1/chat/completions", chat(",\"temperature\":1.0,\"seed\":8,\"max_tokens\":8"));
        assertNotEquals(first.at("/choices/0/message/content"), other.at("/choices/0/message/content"));
    }

    @Test
    void aStopStringEndsTheAnswerBeforeIt() throws Exception {
        String content = post("/v1/chat/completions", chat(",\"temperature\":0,\"max_tokens\":24"))
                .at("/choices/0/message/content").asText();
        String stop = content.substring(content.length() / 2, content.length() / 2 + 2);
        JsonNode stopped = post("/v1/chat/completions",
                chat(",\"temperature\":0,\"max_tokens\":24,\"stop\":[" + JSON.writeValueAsString(stop) + "]"));
        assertEquals("stop", stopped.at("/choices/0/finish_reason").asText());
        assertEquals(content.substring(0, content.indexOf(stop)), stopped.at("/choices/0/message/content").asText());
    }

    @Test
    void modelsAndTokenizeRoundTrip() throws Exception {
        JsonNode models = JSON.readTree(api().get("/v1/models").asString());
        assertEquals("list", models.get("object").asText());
        assertEquals(TestServers.modelId(), models.at("/data/0/id").asText());
        assertEquals(512, models.at("/data/0/max_model_len").asInt());
        JsonNode one = JSON.readTree(api().get("/v1/models/" + TestServers.modelId()).asString());
        assertEquals(TestServers.modelId(), one.get("id").asText());
        JsonNode tokens = post("/tokenize", "{\"model\":\"" + TestServers.modelId() + "\",\"prompt\":\"Hello 世界\"}");
        JsonNode text = post("/detokenize", "{\"model\":\"" + TestServers.modelId() + "\",\"tokens\":"
                + tokens.get("tokens") + "}");
        assertEquals("Hello 世界", text.get("prompt").asText());
        assertEquals(tokens.get("tokens").size(), tokens.get("count").asInt());
    }

    @Test
    void completionsInEveryPromptForm() throws Exception {
        String model = TestServers.modelId();
        JsonNode two = post("/v1/completions", "{\"model\":\"" + model
                + "\",\"prompt\":[\"Once upon\",\"The cat\"],\"max_tokens\":5,\"temperature\":0,\"logprobs\":2}");
        assertEquals("text_completion", two.get("object").asText());
        assertEquals(2, two.get("choices").size());
        assertEquals(5, two.at("/choices/1/logprobs/tokens").size());
        assertEquals(2, two.at("/choices/1/logprobs/top_logprobs/0").size());
        JsonNode ids = post("/tokenize", "{\"model\":\"" + model + "\",\"prompt\":\"The cat\"}").get("tokens");
        JsonNode byIds = post("/v1/completions", "{\"model\":\"" + model + "\",\"prompt\":" + ids
                + ",\"max_tokens\":5,\"temperature\":0}");
        assertEquals(two.at("/choices/1/text").asText(), byIds.at("/choices/0/text").asText(),
                "token ids and text give the same completion");
        JsonNode echoed = post("/v1/completions", "{\"model\":\"" + model
                + "\",\"prompt\":\"The cat\",\"max_tokens\":5,\"temperature\":0,\"echo\":true}");
        assertEquals("The cat" + byIds.at("/choices/0/text").asText(), echoed.at("/choices/0/text").asText());
        JsonNode defaults = post("/v1/completions", "{\"model\":\"" + model + "\",\"prompt\":\"x\",\"temperature\":0}");
        assertTrue(defaults.at("/usage/completion_tokens").asInt() <= 16, "OpenAI's default max_tokens is 16");
        assertNull(defaults.at("/choices/0/logprobs").textValue());
    }

    @Test
    void metricsCountRequestsAndTokens() {
        api().body(chat(",\"max_tokens\":3")).post("/v1/chat/completions").then().statusCode(200);
        String metrics = given().port(server.port()).get("/metrics").asString();
        for (String name : List.of("scion_requests_total", "scion_generated_tokens_total", "scion_prompt_tokens_total",
                "scion_time_to_first_token_seconds_bucket", "scion_request_duration_seconds_count",
                "scion_queue_depth", "scion_running_sequences", "jvm_memory_used_bytes")) {
            assertTrue(metrics.contains(name), name + " missing from /metrics");
        }
        assertTrue(metrics.contains("route=\"/v1/chat/completions\""), "requests are counted by route");
    }
}
