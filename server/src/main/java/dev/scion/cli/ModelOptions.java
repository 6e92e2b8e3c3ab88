package dev.scion.cli;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.embedded.DefaultModel;
import dev.scion.engine.runtime.RuntimeOptions;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by every command that loads a base model. */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "DIR",
            description = "Hugging Face checkpoint folder (config.json, *.safetensors, tokenizer files). "
                    + "Default: the embedded tiny model, generated on first use under $SCION_HOME or ~/.cache/scion.")
    Path model;

    @Option(names = "--device", defaultValue = "${env:SCION_DEVICE:-cpu}", paramLabel = "cpu|gpu|gpu:N|auto",
            description = "Where the model runs (default: ${DEFAULT-VALUE}). GPUs need DJL's CUDA libtorch; see README.")
    String device;

    @Option(names = "--dtype", defaultValue = "${env:SCION_DTYPE:-float32}", paramLabel = "float32|float16|bfloat16",
            description = "Compute precision (default: ${DEFAULT-VALUE}); weights of any stored type are converted.")
    String dtype;

    @Option(names = "--max-model-len", defaultValue = "${env:SCION_MAX_MODEL_LEN:-0}", paramLabel = "N",
            description = "Longest prompt + completion; 0 = the model's max_position_embeddings capped at 4096.")
    int maxModelLen;

    Path modelDir() {
        return model != null ? model : DefaultModel.ensure(DefaultModel.defaultCacheRoot());
    }

    LoadedModel load() throws IOException {
        return LoadedModel.open(modelDir(), new RuntimeOptions(device, dtype, maxModelLen));
    }

    /** The context this run uses: the option, else the model's own limit capped to keep the KV cache small. */
    int context(LoadedModel m) {
        return maxModelLen > 0 ? maxModelLen : Math.min(m.transformer().maxPositions(), 4096);
    }
}
