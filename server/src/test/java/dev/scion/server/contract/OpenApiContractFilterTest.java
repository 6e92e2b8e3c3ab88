package dev.scion.server.contract;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.atlassian.oai.validator.restassured.OpenApiValidationFilter.OpenApiValidationException;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The REST Assured filters over real HTTP. The far end is a fixed-answer JDK HTTP server, not Scion: this proves the
 * filters' wiring (requests and responses really are checked), not the server's behaviour.
 */
class OpenApiContractFilterTest {

    /** path -> {status, content type, body} */
    private static final Map<String, String[]> ANSWERS = Map.of(
            "/v1/chat/completions", new String[] {"200", "application/json", Samples.CHAT_COMPLETION},
            "/v1/completions", new String[] {"200", "text/event-stream", Samples.COMPLETION_STREAM},
            "/v1/models", new String[] {"200", "application/json",
                    Samples.MODELS.replace("\"owned_by\": \"scion\",", "")},
            "/v1/nowhere", new String[] {"404", "application/json",
                    "{\"error\": {\"message\": \"Invalid URL (GET /v1/nowhere)\", \"type\": \"invalid_request_error\","
                            + " \"param\": null, \"code\": null}}"},
            "/tokenize", new String[] {"400", "application/json",
                    "{\"error\": {\"message\": \"prompt must be a string\", \"type\": \"invalid_request_error\","
                            + " \"param\": \"prompt\", \"code\": null}}"},
            "/v1/adapters", new String[] {"201", "application/json", AdapterSamples.VERSION});

    private static HttpServer server;
    private static String base;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String[] answer = ANSWERS.get(exchange.getRequestURI().getPath());
            exchange.getRequestBody().readAllBytes();
            byte[] body = answer[2].getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", answer[1]);
            exchange.getResponseHeaders().add("X-Scion-Model", "m");
            exchange.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @Test
    void passesAValidExchange() {
        String id = given().filter(OpenApiContract.filter()).baseUri(base).contentType("application/json")
                .body("{\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).extract().path("id");
        assertEquals("chatcmpl-7f3a", id);
    }

    @Test
    void checksStreamedEvents() {
        String body = given().filter(OpenApiContract.filter()).baseUri(base).contentType("application/json")
                .body("{\"model\": \"m\", \"prompt\": \"a\", \"stream\": true}")
                .post("/v1/completions").then().statusCode(200).extract().asString();
        assertTrue(body.endsWith("data: [DONE]\n\n"), body);
    }

    @Test
    void failsOnAnInvalidResponse() {
        OpenApiValidationException error = assertThrows(OpenApiValidationException.class,
                () -> given().filter(OpenApiContract.filter()).baseUri(base).get("/v1/models"));
        assertTrue(error.getMessage().contains("owned_by"), error.getMessage());
    }

    @Test
    void failsOnAnInvalidRequestUnlessOnlyResponsesAreChecked() {
        String invalid = "{\"model\": \"m\", \"prompt\": 42}";
        OpenApiValidationException error = assertThrows(OpenApiValidationException.class,
                () -> given().filter(OpenApiContract.filter()).baseUri(base).contentType("application/json")
                        .body(invalid).post("/tokenize"));
        assertTrue(error.getMessage().contains("prompt"), error.getMessage());
        String param = given().filter(OpenApiContract.responseFilter()).baseUri(base).contentType("application/json")
                .body(invalid).post("/tokenize").then().statusCode(400).extract().path("error.param");
        assertEquals("prompt", param);
    }

    /** No operation describes an unknown route: the full filter fails it, the response filter lets it through. */
    @Test
    void unknownRoutesNeedTheResponseFilterAndAnErrorCheck() {
        OpenApiValidationException error = assertThrows(OpenApiValidationException.class,
                () -> given().filter(OpenApiContract.filter()).baseUri(base).get("/v1/nowhere"));
        assertTrue(error.getMessage().contains("/v1/nowhere"), error.getMessage());
        String body = given().filter(OpenApiContract.responseFilter()).baseUri(base).get("/v1/nowhere")
                .then().statusCode(404).extract().asString();
        OpenApiContract.assertValidError(body);
    }

    @Test
    void checksTheUploadsParts() {
        byte[] file = {1, 2, 3};
        String id = given().filter(OpenApiContract.filter()).baseUri(base).multiPart("name", "bot")
                .multiPart("adapter_config.json", "adapter_config.json", file)
                .multiPart("adapter_model.safetensors", "adapter_model.safetensors", file)
                .post("/v1/adapters").then().statusCode(201).extract().path("id");
        assertEquals("bot@2", id);
        AssertionError unknownPart = assertThrows(AssertionError.class, () -> given().filter(OpenApiContract.filter())
                .baseUri(base).multiPart("name", "bot").multiPart("adapter_model.bin", "adapter_model.bin", file)
                .post("/v1/adapters"));
        assertTrue(unknownPart.getMessage().contains("adapter_model.bin"), unknownPart.getMessage());
        AssertionError badName = assertThrows(AssertionError.class, () -> given().filter(OpenApiContract.filter())
                .baseUri(base).multiPart("name", "../bot").multiPart("archive", "a.zip", file).post("/v1/adapters"));
        assertTrue(badName.getMessage().contains("name"), badName.getMessage());
        AssertionError noName = assertThrows(AssertionError.class, () -> given().filter(OpenApiContract.filter())
                .baseUri(base).multiPart("archive", "a.zip", file).post("/v1/adapters"));
        assertTrue(noName.getMessage().contains("name"), noName.getMessage());
        String status = given().filter(OpenApiContract.responseFilter()).baseUri(base).multiPart("archive", "a.zip",
                file).post("/v1/adapters").then().statusCode(201).extract().path("object");
        assertEquals("adapter.version", status);
    }
}
