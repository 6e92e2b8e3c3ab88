package dev.scion.engine.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.reference.TinyModels;
import dev.scion.engine.weights.DType;
import dev.scion.engine.weights.RandomWeights;
import dev.scion.engine.weights.SafetensorsWriter;
import dev.scion.engine.weights.TensorData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes Hugging Face checkpoint folders of tiny random models, single-file or sharded, in any dtype. */
final class TinyCheckpoints {
    private TinyCheckpoints() {}

    static Path write(Path dir, ModelConfig config, long seed, DType dtype, int shards) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), TinyModels.configJson(config));
        List<Map<String, TensorData>> files = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            files.add(new LinkedHashMap<>());
        }
        try (RandomWeights weights = new RandomWeights(config, seed)) {
            List<String> names = RandomWeights.tensorNames(config);
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                files.get(i % shards).put(name,
                        new TensorData(dtype, RandomWeights.shape(config, name), weights.floats(name)));
            }
        }
        if (shards == 1) {
            SafetensorsWriter.write(dir.resolve("model.safetensors"), files.get(0), Map.of("format", "pt"));
            return dir;
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode index = json.createObjectNode();
        index.putObject("metadata").put("total_size", 0);
        ObjectNode weightMap = index.putObject("weight_map");
        for (int i = 0; i < shards; i++) {
            String file = String.format("model-%05d-of-%05d.safetensors", i + 1, shards);
            SafetensorsWriter.write(dir.resolve(file), files.get(i), Map.of("format", "pt"));
            files.get(i).keySet().forEach(name -> weightMap.put(name, file));
        }
        json.writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
        return dir;
    }
}
