package dev.scion.trainer.full;

import dev.scion.engine.embedded.ModelShape;
import dev.scion.trainer.TrainOptions;
import dev.scion.trainer.corpus.WordNetCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Full-parameter runs small enough for tests: a tiny shape on the WordNet excerpt's text. */
final class TinyRuns {
    static final ModelShape SHAPE = new ModelShape(32, 2, 4, 2, 64, 120, 64);

    private TinyRuns() {}

    /** The excerpt's corpus under {@code dir}; returns the folder. */
    static Path corpus(Path dir) throws IOException {
        Path out = dir.resolve("corpus");
        if (!Files.isRegularFile(out.resolve(WordNetCorpus.PRETRAIN))) {
            WordNetCorpus.build(Path.of("src/test/resources/wordnet-excerpt"), out, Map.of());
        }
        return out;
    }

    static PretrainOptions options(Path data, Path out, int steps, int saveSteps, boolean resume) {
        return new PretrainOptions(data, out, null, SHAPE, null, steps, 4, 1, 32, 1e-2, 0.1,
                TrainOptions.Schedule.COSINE, 0.01, 1.0, 7, saveSteps, resume, false);
    }
}
