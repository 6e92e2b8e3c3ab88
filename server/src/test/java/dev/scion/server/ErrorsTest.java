package dev.scion.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.response.Response;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every client error the server issue lists, answered with the right status and OpenAI's error JSON. */
class ErrorsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static ScionServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config().maxModelLen(64));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String chat(String fields) {
        return "{\"model\":\"" + TestServers.modelId() + "\"" + fields + "}";
    }

    static final String HI = ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";

    static Stream<Arguments> badRequests() {
        String longText = "word ".repeat(200);
        return Stream.of(
                Arguments.of("malformed JSON", "POST", "/v1/chat/completions", "{\"model\": ", 400, null),
                Arguments.of("not an object", "POST", "/v1/chat/completions", "[1,2]", 400, null),
                Arguments.of("wrong type", "POST", "/v1/chat/completions", chat(HI + ",\"temperature\":\"hot\""), 400, "temperature"),
                Arguments.of("empty messages", "POST", "/v1/chat/completions", chat(",\"messages\":[]"), 400, "messages"),
                Arguments.of("unknown role", "POST", "/v1/chat/completions",
                        chat(",\"messages\":[{\"role\":\"wizard\",\"content\":\"Hi\"}]"), 400, "messages[0].role"),
                Arguments.of("n too small", "POST", "/v1/chat/completions", chat(HI + ",\"n\":0"), 400, "n"),
                Arguments.of("n too large", "POST", "/v1/chat/completions", chat(HI + ",\"n\":99"), 400, "n"),
                Arguments.of("temperature too high", "POST", "/v1/chat/completions", chat(HI + ",\"temperature\":2.5"), 400, "temperature"),
                Arguments.of("prompt too long", "POST", "/v1/chat/completions",
                        chat(",\"messages\":[{\"role\":\"user\",\"content\":\"" + longText + "\"}]"), 400, "messages"),
                Arguments.of("max_tokens beyond the context", "POST", "/v1/chat/completions",
                        chat(HI + ",\"max_tokens\":1000"), 400, "max_tokens"),
                Arguments.of("unknown model", "POST", "/v1/chat/completions",
                        "{\"model\":\"gpt-9\"" + HI + "}", 404, "model"),
                Arguments.of("bad completions prompt", "POST", "/v1/completions", chat(",\"prompt\":[]"), 400, "prompt"),
                Arguments.of("token id outside the vocabulary", "POST", "/v1/completions",
                        chat(",\"prompt\":[1,2,99999999]"), 400, "prompt[2]"),
                Arguments.of("tokenize needs prompt or messages", "POST", "/tokenize", chat(""), 400, null),
                Arguments.of("tool message without tool_call_id", "POST", "/v1/chat/completions",
                        chat(",\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"},"
                                + "{\"role\":\"tool\",\"content\":\"4\"}]"), 400, "messages[1].tool_call_id"),
                Arguments.of("unknown route", "GET", "/v1/engines", null, 404, null),
                Arguments.of("wrong method", "GET", "/v1/chat/completions", null, 405, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void answersWithOpenAiErrorJson(String name, String method, String path, String body, int status, String param)
            throws Exception {
        var request = given().port(server.port()).contentType("application/json");
        if (body != null) {
            request = request.body(body);
        }
        Response r = request.request(method, path);
        assertEquals(status, r.statusCode(), r.asString());
        JsonNode error = JSON.readTree(r.asString()).get("error");
        assertTrue(error != null && error.isObject(), "error object: " + r.asString());
        assertFalse(error.get("message").asText().isBlank());
        assertFalse(error.get("type").asText().isBlank());
        assertTrue(error.has("param") && error.has("code"), "param and code are always present");
        if (param != null) {
            assertEquals(param, error.get("param").asText(), error.toString());
        }
        assertFalse(r.asString().contains("\tat "), "no stack trace in the body");
        boolean documented = !name.equals("unknown route") && !name.equals("wrong method");
        if (documented) { // the contract has no operation to check undocumented routes against
            OpenApiContract.assertValid(method, path, status, "application/json", r.asString());
        }
    }

    @Test
    void aToolMessageWithItsCallIdIsAccepted() {
        Response r = given().port(server.port()).filter(OpenApiContract.filter()).contentType("application/json")
                .body(chat(",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"},"
                        + "{\"role\":\"assistant\",\"content\":\"adding\",\"tool_calls\":[{\"id\":\"c1\","
                        + "\"type\":\"function\",\"function\":{\"name\":\"add\",\"arguments\":\"{}\"}}]},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"4\"}]"))
                .post("/v1/chat/completions");
        assertEquals(200, r.statusCode(), r.asString());
    }

    @Test
    void maxTokensAtTheIntegerLimitIsAContextLengthErrorNotAnOverflow() throws Exception {
        // prompt + 2147483647 overflowed int arithmetic to a negative total, which passed the check
        for (String path : java.util.List.of("/v1/chat/completions", "/v1/completions")) {
            String body = path.endsWith("chat/completions") ? chat(HI + ",\"max_tokens\":2147483647")
                    : chat(",\"prompt\":[1,2,3],\"max_tokens\":2147483647");
            Response r = given().port(server.port()).contentType("application/json").body(body).post(path);
            assertEquals(400, r.statusCode(), path + ": " + r.asString());
            JsonNode error = JSON.readTree(r.asString()).get("error");
            assertEquals("context_length_exceeded", error.get("code").asText(), r.asString());
            assertEquals("max_tokens", error.get("param").asText());
            assertTrue(error.get("message").asText().contains("However, you requested 21474836"), r.asString());
            assertFalse(error.get("message").asText().contains("requested -"), r.asString());
            OpenApiContract.assertValid("POST", path, 400, "application/json", r.asString());
        }
    }

    @Test
    void healthAndReadinessAnswer() {
        given().port(server.port()).get("/health").then().statusCode(200);
        given().port(server.port()).get("/ready").then().statusCode(200);
    }
}
