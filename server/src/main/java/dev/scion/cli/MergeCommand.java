package dev.scion.cli;

import dev.scion.engine.embedded.DefaultModel;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraMerge;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.model.ModelConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "merge", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fold a LoRA adapter into its base model and write a standalone Hugging Face checkpoint "
                + "(W + scaling * B*A, in the base's own dtype) that any tool loads without PEFT.",
                "A version published in a store is the PEFT folder", "  ADAPTERS/NAME/VERSION (e.g. adapters/facts/2)"})
final class MergeCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR",
            description = "Base checkpoint folder. Default: the embedded tiny model, as for serve and generate.")
    Path model;

    @Option(names = "--adapter", paramLabel = "DIR", required = true,
            description = "PEFT adapter folder (adapter_config.json + adapter_model.safetensors).")
    Path adapter;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Where to write the merged checkpoint; must not exist or be empty.")
    Path out;

    @Override
    public Integer call() throws IOException {
        Path base = model != null ? model : DefaultModel.ensure(DefaultModel.defaultCacheRoot());
        refuseNonEmpty(out); // before reading gigabytes of weights
        ModelConfig config = ModelConfig.load(base);
        LoraAdapter lora = PeftAdapter.load(adapter, adapterName(adapter), config);
        LoraMerge.writeMergedCheckpoint(base, lora, config, out);
        PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        stdout.println("merged " + lora.name() + " (" + lora.factors().size() + " projections, "
                + lora.parameterCount() + " parameters) into " + base);
        stdout.println("wrote " + out);
        return 0;
    }

    /**
     * The name recorded in the merged weights' metadata: {@code name@version} for a version folder of a store
     * ({@code <root>/<name>/<version>/} with its manifest), else the folder's own name.
     */
    static String adapterName(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        String leaf = abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
        if (leaf.matches("[1-9][0-9]*") && Files.isRegularFile(abs.resolve("manifest.json"))
                && abs.getParent() != null && abs.getParent().getFileName() != null) {
            return abs.getParent().getFileName() + "@" + leaf;
        }
        return leaf;
    }

    private static void refuseNonEmpty(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out " + dir + ": exists and is not a folder");
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            if (entries.iterator().hasNext()) {
                throw new IllegalArgumentException("--out " + dir + ": not empty; refusing to write a merged"
                        + " checkpoint over existing files");
            }
        }
    }
}
