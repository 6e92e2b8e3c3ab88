package dev.scion.server.pool;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regexes of an uploaded adapter_config.json: one Scion cannot match in linear time within its bounds is a 400
 * at upload naming the field; one that makes java.util.regex backtrack is matched once, at publish, and the modules
 * it resolved are what loads use.
 */
class AdapterConfigPatternsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "admin-secret";
    @TempDir
    static Path tmp;
    static ScionServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(TestServers.config().adapters(tmp.resolve("store")).adminKey(ADMIN));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A PEFT folder for q_proj and v_proj whose adapter_config.json is then changed by {@code edit}. */
    private static Path peft(String folder, Consumer<ObjectNode> edit) throws Exception {
        ModelConfig config = ModelConfig.load(TestServers.model());
        List<Projection> targets = List.of(Projection.Q, Projection.V);
        LoraAdapter adapter = RandomLora.create(folder, config, 4, EnumSet.copyOf(targets), 3, 2.0);
        Path dir = tmp.resolve(folder);
        PeftAdapter.write(adapter, dir, PeftConfig.of(4, 8, targets, TestServers.modelId()));
        Path file = dir.resolve("adapter_config.json");
        ObjectNode json = (ObjectNode) JSON.readTree(file.toFile());
        edit.accept(json);
        Files.write(file, JSON.writeValueAsBytes(json));
        return dir;
    }

    private static Response upload(String name, Path dir) {
        return given().port(server.port()).filter(OpenApiContract.filter()).header("Authorization", "Bearer " + ADMIN)
                .multiPart("name", name)
                .multiPart("adapter_config.json", dir.resolve("adapter_config.json").toFile())
                .multiPart("adapter_model.safetensors", dir.resolve("adapter_model.safetensors").toFile())
                .post("/v1/adapters");
    }

    private static void assertRefused(Response r, String... parts) throws Exception {
        assertEquals(400, r.statusCode(), r.asString());
        String message = JSON.readTree(r.asString()).at("/error/message").asText();
        for (String part : parts) {
            assertTrue(message.contains(part), "the message names " + part + ": " + message);
        }
    }

    @Test
    void patternsBeyondLinearTimeMatchingAreRefusedAtUploadNamingTheField() throws Exception {
        assertRefused(upload("look", peft("lookahead", c -> c.put("target_modules", "(?=.*q_proj).*_proj"))),
                "adapter_config.json: target_modules: invalid regular expression", "no lookaround");
        assertRefused(upload("look", peft("unrolled", c -> c.putObject("rank_pattern")
                .put("((.{0,30}){30}){30}", 2))), "adapter_config.json: rank_pattern key", "too complex");
        assertRefused(upload("look", peft("long", c -> c.put("target_modules", ".*" + "(q|v)_proj|".repeat(30)))),
                "adapter_config.json: target_modules: the pattern has", "at most 256");
        assertEquals(404, given().port(server.port()).get("/v1/adapters/look").statusCode(), "nothing was published");
    }

    @Test
    void aBacktrackingPatternIsMatchedOnceAtPublishAndLoadsUseWhatItResolved() throws Exception {
        // never matches a module path, after exponentially many tries in java.util.regex (over a minute a path)
        Path dir = peft("backtracking", c -> {
            c.put("target_modules", "((.*)*)*\\.(q|v)_proj");
            c.putObject("rank_pattern").put("((.*)*)*X", 2);
        });
        Response published = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> upload("patterned", dir));
        assertEquals(201, published.statusCode(), published.asString());

        JsonNode manifest = JSON.readTree(tmp.resolve("store/patterned/1/manifest.json").toFile());
        JsonNode q0 = manifest.at("/modules/model.layers.0.self_attn.q_proj");
        assertEquals(4, q0.get("rank").asInt(), "no rank_pattern key matched: r");
        assertEquals(2.0, q0.get("scaling").asDouble());
        assertEquals(2 * ModelConfig.load(TestServers.model()).numLayers(), manifest.get("modules").size());

        // the stored config can no longer be read: loading the version to serve it does not read it
        Files.writeString(tmp.resolve("store/patterned/1/adapter_config.json"), "{\"target_modules\": \"(?=x)\"}");
        Response chat = given().port(server.port()).contentType("application/json").body("{\"model\":\"patterned\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":2}").post("/v1/chat/completions");
        assertEquals(200, chat.statusCode(), chat.asString());
        assertEquals("patterned@1", chat.getHeader("X-Scion-Model"));
    }
}
