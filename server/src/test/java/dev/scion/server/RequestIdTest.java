package dev.scion.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.response.Response;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every response carries x-request-id: the client's when usable, else a fresh one; successes and errors alike. */
class RequestIdTest {
    static ScionServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String chat(String model) {
        return "{\"model\": \"" + model + "\", \"max_tokens\": 1, \"messages\": [{\"role\": \"user\", \"content\": "
                + "\"hi\"}]}";
    }

    @Test
    void aFreshIdOnEveryResponseEachItsOwn() {
        Set<String> seen = new HashSet<>();
        for (Response r : new Response[] {
                given().port(server.port()).get("/health"),
                given().port(server.port()).get("/no/such/route"),
                given().port(server.port()).delete("/v1/chat/completions"),
                given().port(server.port()).contentType("application/json").body("{").post("/v1/chat/completions"),
                given().port(server.port()).contentType("application/json").body(chat(TestServers.modelId()))
                        .post("/v1/chat/completions")}) {
            String id = r.header("x-request-id");
            assertTrue(id != null && id.matches("req_[A-Za-z0-9]{24}"), r.statusCode() + ": " + id);
            assertTrue(seen.add(id), "ids are not reused: " + id);
        }
    }

    @Test
    void theClientsIdIsEchoedWhenUsableAndReplacedWhenNot() {
        Response ok = given().port(server.port()).header("X-Request-Id", "gateway-7f3a.42").contentType(
                "application/json").body(chat(TestServers.modelId())).post("/v1/chat/completions");
        assertEquals(200, ok.statusCode(), ok.asString());
        assertEquals("gateway-7f3a.42", ok.header("x-request-id"));
        Response notFound = given().port(server.port()).header("X-Request-Id", "trace-1").contentType(
                "application/json").body(chat("no-such-model")).post("/v1/chat/completions");
        assertEquals(404, notFound.statusCode());
        assertEquals("trace-1", notFound.header("x-request-id"));
        for (String bad : new String[] {"x".repeat(129), "has space", "tab\tinside"}) {
            String id = given().port(server.port()).header("X-Request-Id", bad).get("/health").header("x-request-id");
            assertNotEquals(bad, id);
            assertTrue(id.startsWith("req_"), id);
        }
    }
}
