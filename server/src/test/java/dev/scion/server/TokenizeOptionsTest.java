package dev.scion.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** vLLM's /tokenize options: model optional, token strings, and a final message left open to continue. */
class TokenizeOptionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static ScionServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode post(String path, String body, int status) throws Exception {
        Response r = given().port(server.port()).filter(status == 200 ? OpenApiContract.filter()
                : OpenApiContract.responseFilter()).contentType("application/json").body(body).post(path);
        assertEquals(status, r.statusCode(), r.asString());
        return JSON.readTree(r.asString());
    }

    private static String detokenize(JsonNode tokens) throws Exception {
        return post("/detokenize", "{\"tokens\": " + tokens + "}", 200).get("prompt").asText();
    }

    @Test
    void modelMayBeLeftOutAndTokenStringsSpellEachToken() throws Exception {
        JsonNode plain = post("/tokenize", "{\"prompt\": \"hello world\", \"return_token_strs\": true}", 200);
        JsonNode named = post("/tokenize", "{\"model\": \"" + TestServers.modelId() + "\", \"prompt\": \"hello world\"}",
                200);
        assertEquals(named.get("tokens"), plain.get("tokens"), "the base model's tokenizer");
        assertFalse(named.has("token_strs"), "only when asked for");
        JsonNode strs = plain.get("token_strs");
        assertEquals(plain.get("tokens").size(), strs.size());
        StringBuilder joined = new StringBuilder();
        strs.forEach(s -> joined.append(s.asText()));
        // byte-level BPE spells a space as Ġ
        assertEquals("helloĠworld", joined.toString());
        assertEquals("hello world", detokenize(plain.get("tokens")));
    }

    @Test
    void aContinuedFinalMessageEndsWithItsTextOpen() throws Exception {
        String messages = "\"messages\": [{\"role\": \"user\", \"content\": \"Name a colour.\"}, "
                + "{\"role\": \"assistant\", \"content\": \"The colour is\"}]";
        String open = detokenize(post("/tokenize", "{" + messages + ", \"continue_final_message\": true}", 200)
                .get("tokens"));
        String closed = detokenize(post("/tokenize", "{" + messages + ", \"add_generation_prompt\": false}", 200)
                .get("tokens"));
        assertTrue(open.endsWith("The colour is"), open);
        assertTrue(closed.startsWith(open) && closed.length() > open.length(), "the closed turn adds its end: "
                + closed);
        assertEquals("continue_final_message", post("/tokenize", "{" + messages + ", \"continue_final_message\": "
                + "true, \"add_generation_prompt\": true}", 400).at("/error/param").asText());
        assertEquals("continue_final_message", post("/tokenize", "{\"prompt\": \"hi\", \"continue_final_message\": "
                + "true}", 400).at("/error/param").asText());
    }
}
