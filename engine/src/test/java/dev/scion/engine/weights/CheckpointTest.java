package dev.scion.engine.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.model.ModelFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path root;

    private static final String SHARD1 = "model-00001-of-00002.safetensors";
    private static final String SHARD2 = "model-00002-of-00002.safetensors";

    /** Splits the tiny model over two shards and writes the index; returns the index JSON's weight_map entries. */
    private Path writeSharded(Path dir, DType dtype) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), TinyLlama.CONFIG_JSON);
        Map<String, TensorData> all = TinyLlama.tensors(dtype, 7);
        Map<String, TensorData> first = new LinkedHashMap<>();
        Map<String, TensorData> second = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(all.keySet());
        StringBuilder map = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            boolean inFirst = i < names.size() / 2;
            (inFirst ? first : second).put(names.get(i), all.get(names.get(i)));
            map.append(map.length() == 0 ? "" : ",\n").append("    \"").append(names.get(i)).append("\": \"")
                    .append(inFirst ? SHARD1 : SHARD2).append('"');
        }
        SafetensorsWriter.write(dir.resolve(SHARD1), first, Map.of("format", "pt"));
        SafetensorsWriter.write(dir.resolve(SHARD2), second, Map.of("format", "pt"));
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE),
                "{\n  \"metadata\": {\"total_size\": 1234},\n  \"weight_map\": {\n" + map + "\n  }\n}\n");
        return dir;
    }

    @Test
    void singleFileCheckpointServesEveryTensor() throws IOException {
        Path dir = root.resolve("single");
        Map<String, TensorData> written = TinyLlama.writeCheckpoint(dir, DType.BF16, 7);
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertEquals(written.keySet(), c.names());
            for (Map.Entry<String, TensorData> e : written.entrySet()) {
                assertArrayEquals(e.getValue().shape(), c.info(e.getKey()).shape(), e.getKey());
                assertEquals(DType.BF16, c.info(e.getKey()).dtype());
                assertArrayEquals(e.getValue().values(), c.floats(e.getKey()), e.getKey());
            }
        }
    }

    @Test
    void shardedCheckpointEqualsTheSingleFileOne() throws IOException {
        Path single = root.resolve("single");
        TinyLlama.writeCheckpoint(single, DType.F16, 7);
        Path sharded = writeSharded(root.resolve("sharded"), DType.F16);
        try (Checkpoint a = Checkpoint.open(single); Checkpoint b = Checkpoint.open(sharded)) {
            assertEquals(a.names(), b.names());
            assertEquals(21, b.names().size());
            for (String name : a.names()) {
                assertArrayEquals(a.info(name).shape(), b.info(name).shape(), name);
                assertEquals(a.info(name).dtype(), b.info(name).dtype(), name);
                assertArrayEquals(a.floats(name), b.floats(name), name);
            }
            assertEquals(SHARD1, b.info("model.embed_tokens.weight").file().getFileName().toString());
            assertEquals(SHARD2, b.info("lm_head.weight").file().getFileName().toString());
        }
    }

    @Test
    void closeClosesEveryShard() throws IOException {
        Checkpoint c = Checkpoint.open(writeSharded(root.resolve("sharded"), DType.F32));
        c.close();
        assertThrows(IllegalStateException.class, () -> c.float32("model.embed_tokens.weight"));
        assertThrows(IllegalStateException.class, () -> c.float32("lm_head.weight"));
    }

    @Test
    void aMissingTensorNamesTheFolderAndTensor() throws IOException {
        Path dir = root.resolve("single");
        TinyLlama.writeCheckpoint(dir, DType.F32, 1);
        try (Checkpoint c = Checkpoint.open(dir)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> c.info("model.layers.9.x.weight"));
            assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("model.layers.9.x.weight"),
                    e.getMessage());
        }
    }

    @Test
    void aShardListedButAbsentIsRefused() throws IOException {
        Path dir = writeSharded(root.resolve("sharded"), DType.F32);
        Files.delete(dir.resolve(SHARD2));
        assertRefused(dir, Checkpoint.INDEX_FILE, "shard " + SHARD2, "does not exist");
    }

    @Test
    void aTensorMissingFromItsShardIsRefused() throws IOException {
        Path dir = writeSharded(root.resolve("sharded"), DType.F32);
        SafetensorsWriter.write(dir.resolve(SHARD2), Map.of("lm_head.weight", TinyLlama.tensors(DType.F32, 7)
                .get("lm_head.weight")), Map.of());
        assertRefused(dir, Checkpoint.INDEX_FILE, "tensor model.layers.1.input_layernorm.weight", SHARD2, "does not contain it");
    }

    @Test
    void shardNamesThatLeaveTheFolderAreRefused() throws IOException {
        for (String hostile : new String[] {"../" + SHARD1, "/etc/passwd", "sub/" + SHARD1, "..", "C:\\x.safetensors"}) {
            Path dir = writeSharded(root.resolve("hostile" + Math.abs(hostile.hashCode())), DType.F32);
            String index = Files.readString(dir.resolve(Checkpoint.INDEX_FILE));
            Files.writeString(dir.resolve(Checkpoint.INDEX_FILE),
                    index.replace("\"" + SHARD1 + "\"", "\"" + hostile.replace("\\", "\\\\") + "\""));
            assertRefused(dir, Checkpoint.INDEX_FILE, "weight_map.model.embed_tokens.weight", "plain file names");
        }
    }

    @Test
    void anInvalidIndexIsRefused() throws IOException {
        Path dir = writeSharded(root.resolve("sharded"), DType.F32);
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"weight_map\": {\"a\": ");
        assertRefused(dir, Checkpoint.INDEX_FILE, "invalid JSON");
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"metadata\": {}}");
        assertRefused(dir, Checkpoint.INDEX_FILE, "weight_map must be");
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"weight_map\": {\"lm_head.weight\": 3}}");
        assertRefused(dir, Checkpoint.INDEX_FILE, "weight_map.lm_head.weight must be a file name");
    }

    @Test
    void pickleCheckpointsAreRefusedWithTheReason() throws IOException {
        Path dir = Files.createDirectories(root.resolve("pickle"));
        Files.writeString(dir.resolve("config.json"), TinyLlama.CONFIG_JSON);
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        assertRefused(dir, "pytorch_model.bin", "pickle", "unpickling runs arbitrary code", "safetensors");
        Files.delete(dir.resolve("pytorch_model.bin"));
        Files.write(dir.resolve("consolidated.00.pt"), new byte[] {1});
        assertRefused(dir, "consolidated.00.pt", "pickle");
    }

    @Test
    void anEmptyOrMissingFolderIsRefused() throws IOException {
        Path empty = Files.createDirectories(root.resolve("empty"));
        assertRefused(empty, "no model.safetensors");
        assertRefused(root.resolve("absent"), "not a checkpoint folder");
    }

    @Test
    void aCorruptShardIsReportedByItsFileName() throws IOException {
        Path dir = writeSharded(root.resolve("sharded"), DType.F32);
        Files.write(dir.resolve(SHARD1), new byte[] {1, 2});
        assertRefused(dir, SHARD1, "truncated");
    }

    private static void assertRefused(Path dir, String... expected) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Checkpoint.open(dir).close());
        assertTrue(e.getMessage().contains(dir.toString()), "names the folder: " + e.getMessage());
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), "message should contain \"" + part + "\": " + e.getMessage());
        }
    }
}
