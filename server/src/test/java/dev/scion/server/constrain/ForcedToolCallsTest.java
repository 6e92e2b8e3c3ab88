package dev.scion.server.constrain;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.constrain.SchemaValidator;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * tool_choice "required" and a named function on the random-weight model at temperature 1, which never learned to
 * call anything: the output is constrained to one Hermes call, so every answer that ends by itself is a call of an
 * offered function with arguments valid under its parameters, finish_reason "tool_calls" and no content.
 */
class ForcedToolCallsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String WEATHER = "{\"type\":\"object\",\"properties\":{\"city\":{\"enum\":[\"Paris\",\"Oslo\"]},"
            + "\"days\":{\"type\":\"integer\"}},\"required\":[\"city\",\"days\"],\"additionalProperties\":false}";
    static final String TIME = "{\"type\":\"object\",\"properties\":{\"zone\":{\"enum\":[\"UTC\",\"CET\"]}},"
            + "\"required\":[\"zone\"]}";
    static ScionServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config().maxModelLen(1024)); // room for whitespace the model loves
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static ObjectNode request() throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", TestServers.modelId()).put("temperature", 1.0)
                .put("max_tokens", 400).put("n", 6).put("seed", 4);
        body.putArray("messages").addObject().put("role", "user").put("content", "Weather in Paris?");
        ObjectNode weather = body.putArray("tools").addObject().put("type", "function").putObject("function")
                .put("name", "get_weather");
        weather.set("parameters", JSON.readTree(WEATHER));
        body.withArray("tools").addObject().put("type", "function").putObject("function").put("name", "get_time")
                .set("parameters", JSON.readTree(TIME));
        return body;
    }

    static JsonNode ok(JsonNode body) throws Exception {
        Response r = given().port(server.port()).contentType(ContentType.JSON).filter(OpenApiContract.filter())
                .body(body.toString()).post("/v1/chat/completions");
        assertEquals(200, r.statusCode(), r.asString());
        return JSON.readTree(r.asString());
    }

    /** Checks every finished choice is one valid call; returns the names called. */
    static Set<String> calls(JsonNode answer) throws Exception {
        Set<String> names = new java.util.HashSet<>();
        int finished = 0;
        for (JsonNode choice : answer.get("choices")) {
            if (choice.get("finish_reason").asText().equals("length")) {
                continue;
            }
            finished++;
            assertEquals("tool_calls", choice.get("finish_reason").asText(), choice.toString());
            JsonNode calls = choice.at("/message/tool_calls");
            assertEquals(1, calls.size(), choice.toString());
            assertTrue(choice.at("/message/content").isNull(), choice.toString());
            String name = calls.at("/0/function/name").asText();
            JsonNode arguments = JSON.readTree(calls.at("/0/function/arguments").asText());
            names.add(name);
            if (name.equals("get_weather")) {
                assertEquals(null, new SchemaValidator(JSON.readTree(WEATHER)).problem(arguments), arguments.toString());
            } else {
                assertEquals("get_time", name);
                assertEquals(null, new SchemaValidator(JSON.readTree(TIME)).problem(arguments), arguments.toString());
            }
        }
        assertTrue(finished >= 3, finished + " of 6 finished by themselves: " + answer);
        return names;
    }

    @Test
    void aNamedFunctionIsAlwaysCalled() throws Exception {
        ObjectNode body = request();
        body.putObject("tool_choice").put("type", "function").putObject("function").put("name", "get_weather");
        assertEquals(Set.of("get_weather"), calls(ok(body)));
    }

    @Test
    void requiredCallsOneOfTheTools() throws Exception {
        ObjectNode body = request().put("tool_choice", "required");
        Set<String> names = calls(ok(body));
        assertTrue(Set.of("get_weather", "get_time").containsAll(names), names.toString());
    }

    @Test
    void aForcedCallNeedsTheHermesParser() throws Exception {
        try (ScionServer mistral = TestServers.start(TestServers.config().maxModelLen(1024).toolCallParser("mistral"))) {
            ObjectNode body = request().put("tool_choice", "required");
            Response r = given().port(mistral.port()).contentType(ContentType.JSON).body(body.toString())
                    .post("/v1/chat/completions");
            assertEquals(400, r.statusCode(), r.asString());
            assertEquals("tool_choice", JSON.readTree(r.asString()).at("/error/param").asText());
        }
    }
}
