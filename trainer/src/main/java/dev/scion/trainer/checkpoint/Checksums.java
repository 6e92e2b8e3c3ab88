package dev.scion.trainer.checkpoint;

import dev.scion.engine.store.Sha256;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint's {@code checksums.json}: size and SHA-256 of each of its files, so that a torn or bit-rotted file is
 * recognised before training resumes from it, instead of resuming from garbage.
 */
record Checksums(Map<String, Sum> files) {

    /** One file's expected size in bytes and hex SHA-256. */
    record Sum(long size, String sha256) {}

    static final String FILE = "checksums.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    Checksums {
        files = Map.copyOf(files);
    }

    /** Measures {@code names} in {@code folder}. */
    static Checksums of(Path folder, List<String> names) throws IOException {
        Map<String, Sum> files = new LinkedHashMap<>();
        for (String name : names) {
            Path file = folder.resolve(name);
            files.put(name, new Sum(Files.size(file), Sha256.ofFile(file)));
        }
        return new Checksums(files);
    }

    byte[] toBytes(List<String> order) {
        ObjectNode root = JSON.createObjectNode();
        for (String name : order) {
            root.putObject(name).put("size", files.get(name).size()).put("sha256", files.get(name).sha256());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise checksums", e);
        }
    }

    /**
     * Reads the entries for {@code names}.
     *
     * @throws CheckpointInvalidException naming what is missing or malformed
     */
    static Checksums read(Path folder, List<String> names) throws CheckpointInvalidException {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointInvalidException(FILE + " is missing");
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new CheckpointInvalidException(FILE + " does not parse: " + StateJson.describe(e));
        } catch (IOException e) {
            throw new CheckpointInvalidException(FILE + " cannot be read: " + e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointInvalidException(FILE + " is not a JSON object");
        }
        Map<String, Sum> files = new LinkedHashMap<>();
        for (String name : names) {
            JsonNode entry = root.get(name);
            JsonNode size = entry == null ? null : entry.get("size");
            JsonNode sha = entry == null ? null : entry.get("sha256");
            if (size == null || !size.canConvertToLong() || !size.isIntegralNumber() || size.longValue() < 0) {
                throw new CheckpointInvalidException(FILE + " has no valid " + name + ".size");
            }
            if (sha == null || !sha.isTextual() || !sha.textValue().matches("[0-9a-f]{64}")) {
                throw new CheckpointInvalidException(FILE + " has no valid " + name + ".sha256");
            }
            files.put(name, new Sum(size.longValue(), sha.textValue()));
        }
        return new Checksums(files);
    }

    /**
     * Checks that the file in {@code folder} has the recorded size and digest.
     *
     * @throws CheckpointInvalidException naming the file and both values when it differs
     */
    void verify(Path folder, String name) throws CheckpointInvalidException, IOException {
        Path file = folder.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointInvalidException(name + " is missing");
        }
        Sum expected = files.get(name);
        long size = Files.size(file);
        if (size != expected.size()) {
            throw new CheckpointInvalidException(name + " is " + size + " bytes, " + FILE + " says "
                    + expected.size());
        }
        String sha = Sha256.ofFile(file);
        if (!sha.equals(expected.sha256())) {
            throw new CheckpointInvalidException(name + " sha256 " + sha + " differs from " + FILE + "'s "
                    + expected.sha256());
        }
    }
}
