package dev.scion.server.pool;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraFactor;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.server.ScionServer;
import dev.scion.server.TestServers;
import dev.scion.server.adapters.cache.AdapterKey;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pinned adapters stay hot under cache pressure; uploads over the rank limit or with NaN weights are refused. */
class PinningAndLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "pin-admin";

    @TempDir
    Path tmp;

    Path peft(ModelConfig config, String folder, int rank, long seed) throws Exception {
        Path dir = tmp.resolve(folder);
        PeftAdapter.write(RandomLora.create(folder, config, rank, EnumSet.allOf(Projection.class), seed, 2.0), dir,
                PeftConfig.of(rank, 2.0 * rank, List.of(Projection.values()), "scion-tiny-v1"));
        return dir;
    }

    Response load(ScionServer server, String name, Path folder) {
        return given().port(server.port()).filter(OpenApiContract.responseFilter())
                .header("Authorization", "Bearer " + ADMIN).contentType("application/json")
                .body("{\"lora_name\":\"" + name + "\",\"load_inplace\":true,\"lora_path\":"
                        + JSON.valueToTree(folder.toString()) + "}").post("/v1/load_lora_adapter");
    }

    void chat(ScionServer server, String model) {
        given().port(server.port()).contentType("application/json").body("{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":2}")
                .post("/v1/chat/completions").then().statusCode(200);
    }

    @Test
    void pinnedAdaptersStayLoadedAndFollowTheirRouting() throws Exception {
        ModelConfig config = ModelConfig.load(TestServers.model());
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store")).adminKey(ADMIN)
                .adapterCacheBytes(1L << 20).maxLoraRank(64).pinAdapters(List.of("hot")))) {
            var cache = server.serving().adapters().cache();
            load(server, "hot", peft(config, "hot-1", 32, 1)).then().statusCode(200);
            assertTrue(cache.isCached(new AdapterKey("hot", 1)), "a pinned adapter is loaded when it is published");
            for (int i = 0; i < 12; i++) { // each about half the cache: they push each other out
                load(server, "other" + i, peft(config, "other-" + i, 32, 10 + i)).then().statusCode(200);
                chat(server, "other" + i);
            }
            assertTrue(cache.isCached(new AdapterKey("hot", 1)), "still loaded after heavy cache pressure");
            assertFalse(cache.isCached(new AdapterKey("other0", 1)), "unpinned adapters were evicted");
            load(server, "hot", peft(config, "hot-2", 32, 2)).then().statusCode(200);
            assertTrue(cache.isCached(new AdapterKey("hot", 2)), "the new latest version is pinned and loaded");
            for (int i = 0; i < 6; i++) {
                chat(server, "other" + i);
            }
            assertTrue(cache.isCached(new AdapterKey("hot", 2)));
            assertFalse(cache.isCached(new AdapterKey("hot", 1)), "the version no longer routed to was let go");
        }
    }

    @Test
    void rankAboveTheLimitAndNonFiniteWeightsAreRefused() throws Exception {
        ModelConfig config = ModelConfig.load(TestServers.model());
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store2"))
                .adminKey(ADMIN).maxLoraRank(8))) {
            Response tooBig = load(server, "big", peft(config, "big", 16, 1));
            assertEquals(400, tooBig.statusCode(), tooBig.asString());
            assertTrue(tooBig.asString().contains("16") && tooBig.asString().toLowerCase().contains("rank"),
                    tooBig.asString());

            LoraAdapter good = RandomLora.create("nan", config, 4, EnumSet.of(Projection.Q), 3, 2.0);
            Map<dev.scion.engine.lora.LoraTarget, LoraFactor> poisoned = new HashMap<>(good.factors());
            var target = poisoned.keySet().iterator().next();
            LoraFactor f = poisoned.get(target);
            float[] b = f.b().clone();
            b[0] = Float.NaN;
            poisoned.put(target, new LoraFactor(f.rank(), f.in(), f.out(), f.scaling(), f.a(), b));
            Path nanDir = tmp.resolve("nan");
            PeftAdapter.write(new LoraAdapter("nan", poisoned), nanDir,
                    PeftConfig.of(4, 8, List.of(Projection.Q), "scion-tiny-v1"));
            Response nan = load(server, "nan", nanDir);
            assertEquals(400, nan.statusCode(), nan.asString());
            assertTrue(nan.asString().contains("NaN") || nan.asString().contains("finite"), nan.asString());
            assertEquals(404, given().port(server.port()).get("/v1/adapters/nan").statusCode(), "nothing was published");

            // a tensor for a module Scion does not adapt (the output head)
            Path unknown = tmp.resolve("unknown");
            java.nio.file.Files.createDirectories(unknown);
            Path good2 = peft(config, "good2", 4, 7);
            java.nio.file.Files.copy(good2.resolve("adapter_config.json"), unknown.resolve("adapter_config.json"));
            Map<String, dev.scion.engine.weights.TensorData> tensors = new java.util.LinkedHashMap<>();
            try (var file = dev.scion.engine.weights.SafetensorsFile.open(good2.resolve("adapter_model.safetensors"))) {
                for (String name : file.names()) {
                    tensors.put(name, new dev.scion.engine.weights.TensorData(dev.scion.engine.weights.DType.F32,
                            file.info(name).shape(), file.floats(name)));
                }
            }
            tensors.put("base_model.model.lm_head.lora_A.weight",
                    dev.scion.engine.weights.TensorData.f32(new float[4 * config.hiddenSize()], 4, config.hiddenSize()));
            dev.scion.engine.weights.SafetensorsWriter.write(unknown.resolve("adapter_model.safetensors"), tensors, Map.of());
            Response unknownTarget = load(server, "unknown", unknown);
            assertEquals(400, unknownTarget.statusCode(), unknownTarget.asString());
            assertTrue(unknownTarget.asString().contains("lm_head"), unknownTarget.asString());
        }
    }

    @Test
    void anAdapterUploadOverItsLimitIs413() throws Exception {
        ModelConfig config = ModelConfig.load(TestServers.model());
        try (ScionServer server = TestServers.start(TestServers.config().adapters(tmp.resolve("store3"))
                .adminKey(ADMIN).maxAdapterBytes(4096))) {
            Path big = peft(config, "big-upload", 32, 1);
            Response r = given().port(server.port()).header("Authorization", "Bearer " + ADMIN)
                    .multiPart("name", "big")
                    .multiPart("adapter_config.json", big.resolve("adapter_config.json").toFile())
                    .multiPart("adapter_model.safetensors", big.resolve("adapter_model.safetensors").toFile())
                    .post("/v1/adapters");
            assertEquals(413, r.statusCode(), r.asString());
            assertTrue(r.asString().contains("--max-adapter-bytes"), r.asString());
            assertEquals(404, given().port(server.port()).get("/v1/adapters/big").statusCode());
        }
    }
}
