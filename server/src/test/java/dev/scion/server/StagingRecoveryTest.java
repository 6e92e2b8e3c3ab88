package dev.scion.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.server.contract.OpenApiContract;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server killed in the middle of uploads leaves their staging folders in its stores (the adapter store's temp
 * folders, whose lock died with the process, and the file store's upload folders); the next server removes them
 * when it starts, and touches nothing else.
 */
class StagingRecoveryTest {
    private static final String ADMIN = "recovery-admin";

    @TempDir
    Path tmp;

    private static RequestSpecification admin(ScionServer server) {
        return given().port(server.port()).filter(OpenApiContract.filter()).header("Authorization", "Bearer " + ADMIN);
    }

    @Test
    void theStagingLeftoversOfAKilledServerAreRemovedAtStartAndNothingElse() throws Exception {
        Path store = tmp.resolve("store");
        String file;
        try (ScionServer server = TestServers.start(TestServers.config().adapters(store).adminKey(ADMIN))) {
            admin(server).contentType("application/json").body("{\"lora_name\": \"bot\", \"lora_path\": "
                    + new ObjectMapper().valueToTree(peft(tmp.resolve("peft")).toString()) + "}")
                    .post("/v1/load_lora_adapter").then().statusCode(200);
            file = admin(server).multiPart("file", "a.jsonl", "{\"a\": 1}\n".getBytes(StandardCharsets.UTF_8))
                    .multiPart("purpose", "fine-tune").post("/v1/files").then().statusCode(200).extract().path("id");
        }
        Files.writeString(store.resolve("NOTES.txt"), "the operator's own file");
        Files.writeString(store.resolve(".scion-data/files/README"), "not the server's either");
        Map<String, String> kept = snapshot(store);

        // an adapter upload killed while its parts were arriving, and one killed while being unpacked
        Path receiving = Files.createDirectories(store.resolve(".tmp-" + UUID.randomUUID()).resolve("parts"));
        Files.write(receiving.resolve(UUID.randomUUID().toString()), new byte[64 << 10]);
        Files.createFile(receiving.resolveSibling("owner.lock"));
        Path unpacking = Files.createDirectories(store.resolve(".tmp-" + UUID.randomUUID()).resolve("adapter"));
        Files.writeString(unpacking.resolve("adapter_config.json"), "{\"r\": 4");
        Files.createDirectories(unpacking.resolveSibling("parts"));
        Files.createFile(unpacking.resolveSibling("owner.lock"));
        // a file upload killed halfway through its part
        Path fileUpload = Files.createDirectories(store.resolve(".scion-data/files/.uploads/upload-4711"));
        Files.writeString(fileUpload.resolve(UUID.randomUUID().toString()), "{\"a\": 1}\n{\"b\":");

        try (ScionServer server = TestServers.start(TestServers.config().adapters(store).adminKey(ADMIN))) {
            assertFalse(Files.exists(receiving.getParent(), LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(unpacking.getParent(), LinkOption.NOFOLLOW_LINKS));
            assertFalse(Files.exists(fileUpload, LinkOption.NOFOLLOW_LINKS));
            assertEquals(kept, snapshot(store), "everything else is as it was");
            assertEquals(List.of(file), admin(server).get("/v1/files").then().statusCode(200).extract()
                    .jsonPath().getList("data.id"));
            assertEquals("bot@1", admin(server).get("/v1/adapters/bot").then().statusCode(200).extract()
                    .path("versions[0].id"));
        }
    }

    private static Path peft(Path dir) throws Exception {
        ModelConfig config = ModelConfig.load(TestServers.model());
        List<Projection> targets = List.of(Projection.Q, Projection.V);
        LoraAdapter adapter = RandomLora.create("bot", config, 4, EnumSet.copyOf(targets), 9, 2.0);
        PeftAdapter.write(adapter, dir, PeftConfig.of(4, 8, targets, TestServers.modelId()));
        return dir;
    }

    /** Every entry under {@code root}: folders as such, files by their content's digest. */
    private static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                entries.put(root.relativize(p).toString(), Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "folder"
                        : HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return entries;
    }
}
