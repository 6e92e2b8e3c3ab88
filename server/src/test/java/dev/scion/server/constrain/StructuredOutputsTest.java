package dev.scion.server.constrain;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.constrain.RandomSchemas;
import dev.scion.engine.constrain.SchemaValidator;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Constrained decoding through the HTTP API of a really started server on the random-weight model, sampled at
 * temperature 1 so that only the mask keeps the output in shape: every output that ends by itself is a document of
 * the requested language; one cut by max_tokens says "length". Requests and responses are checked against the spec.
 */
class StructuredOutputsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static ScionServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config().maxBatch(16));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static ObjectNode chat(int maxTokens) {
        ObjectNode body = JSON.createObjectNode().put("model", TestServers.modelId()).put("temperature", 1.0)
                .put("max_tokens", maxTokens);
        body.putArray("messages").addObject().put("role", "user").put("content", "Answer in JSON.");
        return body;
    }

    static ObjectNode completion(int maxTokens) {
        return JSON.createObjectNode().put("model", TestServers.modelId()).put("prompt", "The answer is")
                .put("temperature", 1.0).put("max_tokens", maxTokens);
    }

    static Response post(String path, JsonNode body) {
        return given().port(server.port()).contentType(ContentType.JSON).filter(OpenApiContract.filter())
                .body(body.toString()).post(path);
    }

    static JsonNode ok(String path, JsonNode body) throws Exception {
        Response r = post(path, body);
        assertEquals(200, r.statusCode(), r.asString());
        return JSON.readTree(r.asString());
    }

    /** The choices' texts that ended by themselves; the others must have been cut by max_tokens. */
    static List<String> finished(JsonNode answer, String textPointer) {
        List<String> out = new ArrayList<>();
        for (JsonNode choice : answer.get("choices")) {
            String reason = choice.get("finish_reason").asText();
            if (reason.equals("stop")) {
                out.add(choice.at(textPointer).asText());
            } else {
                assertEquals("length", reason, choice.toString());
            }
        }
        return out;
    }

    @Test
    void jsonObjectAnswersAtTemperatureOneAllParseAsObjects() throws Exception {
        ObjectNode body = chat(120).put("n", 8).put("seed", 3);
        body.putObject("response_format").put("type", "json_object");
        JsonNode answer = ok("/v1/chat/completions", body);
        List<String> texts = finished(answer, "/message/content");
        for (String text : texts) {
            assertTrue(JSON.readTree(text).isObject(), text);
        }
        for (JsonNode choice : answer.get("choices")) {
            assertTrue(choice.at("/message/content").asText().startsWith("{"), choice.toString());
        }
        assertTrue(texts.size() >= 2, texts.size() + " of 8 finished by themselves");
    }

    @Test
    void randomStrictSchemasAtTemperatureOneValidateWhenFinished() throws Exception {
        RandomSchemas schemas = new RandomSchemas(7, 0.15);
        List<JsonNode> drawn = new ArrayList<>();
        List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            JsonNode schema = schemas.next();
            drawn.add(schema);
            ObjectNode body = chat(150).put("seed", 100 + i);
            if (i % 2 == 0) {
                ObjectNode spec = body.putObject("response_format").put("type", "json_schema").putObject("json_schema")
                        .put("name", "random_" + i).put("strict", true);
                spec.set("schema", schema);
            } else {
                body.set("guided_json", schema);
            }
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return ok("/v1/chat/completions", body);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        int finished = 0;
        for (int i = 0; i < drawn.size(); i++) {
            JsonNode schema = drawn.get(i);
            for (String text : finished(answers.get(i).join(), "/message/content")) {
                finished++;
                assertNull(new SchemaValidator(schema).problem(JSON.readTree(text)), () -> text + " against " + schema);
            }
        }
        assertTrue(finished >= drawn.size() / 2, finished + " of " + drawn.size() + " finished by themselves");
    }

    @Test
    void guidedRegexAndChoiceOnCompletions() throws Exception {
        ObjectNode regex = completion(30).put("n", 6).put("guided_regex", "[a-c]{3}-\\d{2}");
        for (JsonNode choice : ok("/v1/completions", regex).get("choices")) {
            assertTrue(choice.get("text").asText().matches("[a-c]{3}-\\d{2}"), choice.toString());
            assertEquals("stop", choice.get("finish_reason").asText());
        }
        ObjectNode pick = completion(30).put("n", 6);
        pick.putArray("guided_choice").add("yes").add("no").add("perhaps");
        for (JsonNode choice : ok("/v1/completions", pick).get("choices")) {
            assertTrue(Set.of("yes", "no", "perhaps").contains(choice.get("text").asText()), choice.toString());
        }
    }

    @Test
    void aStreamedConstrainedAnswerIsTheSameDocument() throws Exception {
        ObjectNode body = chat(60).put("seed", 11).put("stream", true);
        body.putArray("guided_choice").add("alpha").add("beta");
        Response r = post("/v1/chat/completions", body);
        assertEquals(200, r.statusCode(), r.asString());
        StringBuilder text = new StringBuilder();
        for (String line : r.asString().split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode chunk = JSON.readTree(line.substring(6));
                OpenApiContract.assertValidChatChunk(line.substring(6));
                JsonNode content = chunk.at("/choices/0/delta/content");
                if (content.isTextual()) {
                    text.append(content.asText());
                }
            }
        }
        assertTrue(Set.of("alpha", "beta").contains(text.toString()), text.toString());
    }

    @Test
    void freeAndConstrainedRequestsShareTheBatch() throws Exception {
        ObjectNode free = chat(20).put("temperature", 0.0);
        String alone = ok("/v1/chat/completions", free).at("/choices/0/message/content").asText();
        List<CompletableFuture<JsonNode>> mixed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ObjectNode body = i % 2 == 0 ? free.deepCopy() : chat(40).put("seed", i);
            if (i % 2 == 1) {
                body.putArray("guided_choice").add("on").add("off");
            }
            mixed.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return ok("/v1/chat/completions", body);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (int i = 0; i < mixed.size(); i++) {
            String text = mixed.get(i).join().at("/choices/0/message/content").asText();
            if (i % 2 == 0) {
                assertEquals(alone, text, "a free request samples what it samples alone");
            } else {
                assertTrue(Set.of("on", "off").contains(text), text);
            }
        }
    }

    @Test
    void maxTokensCutsADocumentWithLength() throws Exception {
        ObjectNode body = chat(3);
        body.putObject("response_format").put("type", "json_object");
        JsonNode choice = ok("/v1/chat/completions", body).at("/choices/0");
        assertEquals("length", choice.get("finish_reason").asText());
        assertTrue(choice.at("/message/content").asText().startsWith("{"), choice.toString());
    }

    @Test
    void anUnsupportedKeywordIsA400NamingIt() throws Exception {
        ObjectNode body = chat(10);
        ObjectNode spec = body.putObject("response_format").put("type", "json_schema").putObject("json_schema")
                .put("name", "p");
        spec.putObject("schema").put("type", "string").put("pattern", "^a+$");
        Response r = post("/v1/chat/completions", body);
        assertEquals(400, r.statusCode(), r.asString());
        JsonNode error = JSON.readTree(r.asString()).get("error");
        assertEquals("response_format.json_schema.schema", error.get("param").asText());
        assertTrue(error.get("message").asText().contains("'pattern'"), error.toString());

        ObjectNode guided = completion(10);
        guided.putObject("guided_json").put("type", "array").put("uniqueItems", true);
        Response g = post("/v1/completions", guided);
        assertEquals(400, g.statusCode(), g.asString());
        assertTrue(g.asString().contains("uniqueItems") && g.asString().contains("\"param\":\"guided_json\""),
                g.asString());

        Response regex = post("/v1/completions", completion(10).put("guided_regex", "(a)\\1"));
        assertEquals(400, regex.statusCode(), regex.asString());
        assertEquals("guided_regex", JSON.readTree(regex.asString()).at("/error/param").asText());
    }

    @Test
    void theSameSchemaIsCompiledOnce() throws Exception {
        ObjectNode body = completion(20);
        body.putObject("guided_json").put("type", "boolean");
        ok("/v1/completions", body);
        int after = server.serving().constraints().size();
        ok("/v1/completions", body.put("seed", 5));
        assertEquals(after, server.serving().constraints().size());
        ObjectNode other = completion(20);
        other.putObject("guided_json").put("type", "integer");
        ok("/v1/completions", other);
        assertEquals(after + 1, server.serving().constraints().size());
    }
}
