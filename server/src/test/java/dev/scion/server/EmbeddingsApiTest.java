package dev.scion.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.BadRequestException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.server.contract.OpenAiSchemas;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/embeddings} through a started server: the OpenAI SDK, the contract, adapters and refusals. */
class EmbeddingsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "embed-admin";
    @TempDir
    static Path tmp;
    static ScionServer server;
    static OpenAIClient client;
    static int hidden;

    @BeforeAll
    static void start() throws Exception {
        server = TestServers.start(TestServers.config().adapters(tmp.resolve("store")).adminKey(ADMIN));
        client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey("none")
                .maxRetries(0).build();
        ModelConfig config = ModelConfig.load(TestServers.model());
        hidden = config.hiddenSize();
        List<Projection> targets = List.of(Projection.Q, Projection.V);
        LoraAdapter adapter = RandomLora.create("bot", config, 4, EnumSet.copyOf(targets), 5, 2.0);
        Path peft = tmp.resolve("peft");
        PeftAdapter.write(adapter, peft, PeftConfig.of(4, 8, targets, TestServers.modelId()));
        given().port(server.port()).header("Authorization", "Bearer " + ADMIN).multiPart("name", "bot")
                .multiPart("adapter_config.json", peft.resolve("adapter_config.json").toFile())
                .multiPart("adapter_model.safetensors", peft.resolve("adapter_model.safetensors").toFile())
                .post("/v1/adapters").then().statusCode(201);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static RequestSpecification api() {
        return given().port(server.port()).filter(OpenApiContract.filter()).contentType("application/json");
    }

    /** A request refused on purpose is checked for its answer only: the request itself breaks the contract. */
    private static JsonNode post(String body, int status) throws Exception {
        Response r = given().port(server.port()).filter(status == 200 ? OpenApiContract.filter()
                : OpenApiContract.responseFilter()).contentType("application/json").body(body).post("/v1/embeddings");
        assertEquals(status, r.statusCode(), r.asString());
        return JSON.readTree(r.asString());
    }

    private static double dot(List<Float> a, List<Float> b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.get(i) * b.get(i);
        }
        return s;
    }

    @Test
    void theSdkGetsOneUnitVectorPerInputInOrderWithUsage() {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder()
                .model(TestServers.modelId()).inputOfArrayOfStrings(List.of("a cat sat", "on the mat", "a cat sat"))
                .build());
        assertEquals(3, r.data().size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, r.data().get(i).index());
            List<Float> v = r.data().get(i).embedding();
            assertEquals(hidden, v.size());
            assertEquals(1.0, dot(v, v), 1e-4);
        }
        assertEquals(1.0, dot(r.data().get(0).embedding(), r.data().get(2).embedding()), 1e-4, "same text, same vector");
        assertTrue(dot(r.data().get(0).embedding(), r.data().get(1).embedding()) < 0.9999, "other text, other vector");
        assertEquals(TestServers.modelId(), r.model());
        assertTrue(r.usage().promptTokens() > 3);
        assertEquals(r.usage().promptTokens(), r.usage().totalTokens());
    }

    @Test
    void base64IsTheLittleEndianFloatsOfTheFloatForm() throws Exception {
        String body = "{\"model\": \"" + TestServers.modelId() + "\", \"input\": \"hello world\"";
        JsonNode floats = post(body + "}", 200).at("/data/0/embedding");
        String encoded = post(body + ", \"encoding_format\": \"base64\"}", 200).at("/data/0/embedding").asText();
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(hidden * 4, bytes.remaining());
        for (int i = 0; i < hidden; i++) {
            assertEquals((float) floats.get(i).asDouble(), bytes.getFloat(), 0f, "float " + i);
        }
    }

    @Test
    void anAdapterEmbedsWithItsOwnWeightsAndTokenInputsWork() throws Exception {
        String ids = "[[1, 2, 3, 4], [5, 6]]";
        Response base = api().body("{\"model\": \"" + TestServers.modelId() + "\", \"input\": " + ids + "}")
                .post("/v1/embeddings");
        Response bot = api().body("{\"model\": \"bot\", \"input\": " + ids + "}").post("/v1/embeddings");
        assertEquals(200, bot.statusCode(), bot.asString());
        assertEquals("bot@1", bot.header("X-Scion-Model"));
        JsonNode b = JSON.readTree(bot.asString());
        assertEquals("bot@1", b.get("model").asText());
        assertEquals(6, b.at("/usage/prompt_tokens").asInt());
        // The validator's "format: float" check compares a value's decimal text with the float's own text, so any
        // float Java prints in scientific notation (below 1e-3) reads as an "overflow"; those reports are its own.
        assertEquals(List.of(), OpenAiSchemas.violations("CreateEmbeddingResponse", bot.asString()).stream()
                .filter(v -> !v.startsWith("validation.response.body.schema.format.float")).toList(),
                "OpenAI's own schema");
        assertNotEquals(JSON.readTree(base.asString()).at("/data/0/embedding"), b.at("/data/0/embedding"));
    }

    @Test
    void badInputsAreRefusedNamingTheField() throws Exception {
        String model = "\"model\": \"" + TestServers.modelId() + "\"";
        assertEquals("input", post("{" + model + ", \"input\": \"\"}", 400).at("/error/param").asText());
        assertEquals("input", post("{" + model + ", \"input\": []}", 400).at("/error/param").asText());
        assertEquals("input[1]", post("{" + model + ", \"input\": [\"a\", 3]}", 400).at("/error/param").asText());
        assertEquals("encoding_format", post("{" + model + ", \"input\": \"a\", \"encoding_format\": \"hex\"}", 400)
                .at("/error/param").asText());
        JsonNode dims = post("{" + model + ", \"input\": \"a\", \"dimensions\": 7}", 400).get("error");
        assertEquals("dimensions", dims.get("param").asText());
        assertTrue(dims.get("message").asText().contains(String.valueOf(hidden)), dims.toString());
        assertEquals(200, api().body("{" + model + ", \"input\": \"a\", \"dimensions\": " + hidden + "}")
                .post("/v1/embeddings").statusCode());
        StringBuilder tooLong = new StringBuilder("[1");
        int context = JSON.readTree(given().port(server.port()).contentType("application/json")
                .body("{" + model + ", \"prompt\": \"a\"}").post("/tokenize").asString()).get("max_model_len").asInt();
        for (int i = 1; i <= context; i++) {
            tooLong.append(",1");
        }
        JsonNode longError = post("{" + model + ", \"input\": [[1], " + tooLong + "]]}", 400).get("error");
        assertEquals("context_length_exceeded", longError.get("code").asText());
        assertEquals("input[1]", longError.get("param").asText());
        assertEquals("model_not_found", post("{\"model\": \"nobody\", \"input\": \"a\"}", 404).at("/error/code")
                .asText());
        BadRequestException sdk = assertThrows(BadRequestException.class, () -> client.embeddings().create(
                EmbeddingCreateParams.builder().model(TestServers.modelId()).input("").build()));
        assertEquals(400, sdk.statusCode());
    }
}
