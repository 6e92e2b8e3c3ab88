package dev.scion.engine.weights;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.model.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The weights of a Hugging Face checkpoint folder: one {@code model.safetensors}, or shards listed
 * by {@code model.safetensors.index.json}. Pickle checkpoints ({@code *.bin}, {@code *.pt}) are
 * refused because unpickling executes code embedded in the file.
 */
public final class Checkpoint implements WeightSource {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path dir;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> fileByTensor;

    private Checkpoint(Path dir, List<SafetensorsFile> files, Map<String, SafetensorsFile> fileByTensor) {
        this.dir = dir;
        this.files = List.copyOf(files);
        this.fileByTensor = fileByTensor;
    }

    public static Checkpoint open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir + ": not a checkpoint folder (does not exist or is not a directory)");
        }
        // Same preference as transformers: the single file wins over an index.
        Path single = dir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            SafetensorsFile file = SafetensorsFile.open(single);
            Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
            for (String name : file.names()) {
                byTensor.put(name, file);
            }
            return new Checkpoint(dir, List.of(file), byTensor);
        }
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return openSharded(dir, index);
        }
        List<String> pickles = pickleFiles(dir);
        if (!pickles.isEmpty()) {
            throw new ModelFormatException(dir + ": only pickle checkpoint files found " + pickles
                    + "; Scion does not load them because unpickling runs arbitrary code from the file."
                    + " Convert the checkpoint to safetensors (model.safetensors) first");
        }
        throw new ModelFormatException(dir + ": no " + SINGLE_FILE + " and no " + INDEX_FILE + " found");
    }

    private static Checkpoint openSharded(Path dir, Path index) throws IOException {
        Map<String, String> shardByTensor = weightMap(index);
        Map<String, SafetensorsFile> opened = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
        try {
            for (String shard : new TreeSet<>(shardByTensor.values())) {
                Path shardFile = dir.resolve(shard);
                if (!Files.isRegularFile(shardFile)) {
                    throw new ModelFormatException(index + ": shard " + shard + " listed in weight_map does not exist");
                }
                opened.put(shard, SafetensorsFile.open(shardFile));
            }
            for (Map.Entry<String, String> e : shardByTensor.entrySet()) {
                SafetensorsFile file = opened.get(e.getValue());
                if (!file.contains(e.getKey())) {
                    throw new ModelFormatException(index + ": tensor " + e.getKey() + " is mapped to shard "
                            + e.getValue() + " but " + file.path() + " does not contain it");
                }
                byTensor.put(e.getKey(), file);
            }
            return new Checkpoint(dir, new ArrayList<>(opened.values()), byTensor);
        } catch (IOException | RuntimeException e) {
            opened.values().forEach(SafetensorsFile::close);
            throw e;
        }
    }

    private static Map<String, String> weightMap(Path index) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (JacksonException e) {
            throw new ModelFormatException(index + ": invalid JSON: " + e.getOriginalMessage());
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new ModelFormatException(index + ": weight_map must be a non-empty object of tensor name -> shard file");
        }
        Map<String, String> shardByTensor = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> entries = map.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> e = entries.next();
            if (!e.getValue().isTextual()) {
                throw new ModelFormatException(index + ": weight_map." + e.getKey() + " must be a file name string");
            }
            String shard = e.getValue().asText();
            if (!isPlainFileName(shard)) {
                throw new ModelFormatException(index + ": weight_map." + e.getKey() + " names shard \"" + shard
                        + "\"; shards must be plain file names inside the checkpoint folder");
            }
            shardByTensor.put(e.getKey(), shard);
        }
        return shardByTensor;
    }

    /** Refuses anything that could leave the folder: separators, drive letters, "." and "..". */
    private static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..")
                && name.indexOf('/') < 0 && name.indexOf('\\') < 0 && name.indexOf(':') < 0
                && name.indexOf('\0') < 0;
    }

    private static List<String> pickleFiles(Path dir) throws IOException {
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.{bin,pt,pth,ckpt}")) {
            for (Path p : entries) {
                found.add(p.getFileName().toString());
            }
        }
        Collections.sort(found);
        return found;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(fileByTensor.keySet());
    }

    @Override
    public TensorInfo info(String name) {
        return file(name).info(name);
    }

    @Override
    public ByteBuffer float32(String name) {
        return file(name).float32(name);
    }

    private SafetensorsFile file(String name) {
        SafetensorsFile file = fileByTensor.get(name);
        if (file == null) {
            throw new ModelFormatException(dir + ": tensor " + name + " not found in the checkpoint");
        }
        return file;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (SafetensorsFile f : files) {
            try {
                f.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
