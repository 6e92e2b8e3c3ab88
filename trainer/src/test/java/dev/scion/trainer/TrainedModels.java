package dev.scion.trainer;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.embedded.DefaultModel;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.PublishSource;
import dev.scion.trainer.data.Dataset;
import dev.scion.trainer.data.DatasetFormat;
import dev.scion.trainer.data.DatasetOptions;
import dev.scion.trainer.data.TrainingExample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The embedded default model, loaded once per test JVM, and helpers for rounds on the fact files. */
public final class TrainedModels {
    static final Path ROUND1 = Path.of("src/test/resources/facts/round1.jsonl");
    static final Path ROUND2 = Path.of("src/test/resources/facts/round2.jsonl");

    private static LoadedModel model;
    private static Path modelDir;

    private TrainedModels() {}

    public static synchronized LoadedModel model() {
        if (model == null) {
            try {
                model = LoadedModel.open(modelDir(), RuntimeOptions.CPU);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return model;
    }

    /** The embedded model's folder, generated once per test JVM; child JVMs load the same files from it. */
    public static synchronized Path modelDir() {
        if (modelDir == null) {
            try {
                modelDir = DefaultModel.ensure(Files.createTempDirectory("scion-trainer-model"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return modelDir;
    }

    static AdapterStore store(Path root) throws IOException {
        return AdapterStore.open(root, AdapterStore.fingerprint(model().config()));
    }

    static RoundRequest request(String adapter, Path data, TrainOptions options) {
        return new RoundRequest(adapter, data, null, options, false, PublishSource.TRAINER);
    }

    static List<TrainingExample> examples(Path file) throws IOException {
        return Dataset.load(file, model(), new DatasetOptions(DatasetFormat.AUTO, 512, false, false)).examples();
    }

    static LoraAdapter published(AdapterStore store, String adapter, int version) throws IOException {
        return PeftAdapter.load(store.folder(adapter, version), adapter, model().config());
    }

    /** Exact-match accuracy of a published version on a fact file. */
    static double recall(AdapterStore store, String adapter, int version, Path facts) throws IOException {
        return Evaluation.score(model(), published(store, adapter, version), examples(facts)).accuracy();
    }
}
