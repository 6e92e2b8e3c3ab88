package dev.scion.trainer.full;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.weights.Checkpoint;
import dev.scion.engine.weights.RandomWeights;
import java.util.Arrays;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.trainer.Evaluation;
import dev.scion.trainer.TrainingControl;
import dev.scion.trainer.TrainingListener;
import dev.scion.trainer.corpus.WordNetCorpus;
import dev.scion.trainer.data.TrainingExample;
import dev.scion.trainer.progress.LossCurve;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Full-parameter training on a tiny model: every weight learns, and the folder it writes is a model Scion loads. */
class FullTrainingTest {
    @TempDir
    Path tmp;

    @Test
    void pretrainingLowersTheLossAndWritesAModelThatLoadsWithTheTrainedWeights() throws Exception {
        Path corpus = TinyRuns.corpus(tmp);
        Path out = tmp.resolve("model");
        PretrainOptions base = TinyRuns.options(corpus.resolve(WordNetCorpus.PRETRAIN), out, 40, 0, false);
        PretrainOptions o = new PretrainOptions(base.data(), out, null, base.shape(), base.data(), base.steps(),
                base.batchSize(), 1, base.seqLen(), base.learningRate(), base.warmupRatio(), base.schedule(),
                0.0, base.maxGradNorm(), base.seed(), 0, false, false); // no decay: only gradients move weights

        Pretraining.Result result = Pretraining.run(o, RuntimeOptions.CPU, TrainingListener.NONE,
                TrainingControl.UNLIMITED);

        assertEquals(40, result.steps());
        List<LossCurve.Point> curve = LossCurve.readCsv(out.resolve("loss.csv")).points();
        assertEquals(40, curve.size());
        double first = curve.get(0).loss();
        double last = curve.get(curve.size() - 1).loss();
        System.out.printf("full-parameter training: loss %.3f -> %.3f, held out %.3f -> %.3f%n", first, last,
                result.heldOutLossBefore(), result.heldOutLossAfter());
        assertTrue(last < first - 1.0, "loss " + first + " -> " + last);
        assertTrue(result.heldOutLossAfter() < result.heldOutLossBefore() - 1.0,
                result.heldOutLossBefore() + " -> " + result.heldOutLossAfter());

        for (String name : List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
                "model.safetensors", Pretraining.REPORT)) {
            assertTrue(Files.isRegularFile(out.resolve(name)), name);
        }
        // Every weight trained, not only those the forward uses directly (the embedding, norms, biases).
        ModelConfig config = ModelConfig.load(out);
        try (Checkpoint trained = Checkpoint.open(out); RandomWeights initial = new RandomWeights(config, o.seed())) {
            for (String name : RandomWeights.tensorNames(config)) {
                assertFalse(Arrays.equals(initial.floats(name), trained.floats(name)), name + " did not change");
            }
        }
        try (LoadedModel loaded = LoadedModel.open(out, RuntimeOptions.CPU)) {
            List<TrainingExample> text = TextCorpus.sequences(TextCorpus.documents(o.data()), loaded.tokenizer(),
                    o.seqLen());
            // The served model is the trained one: its loss through the ordinary runtime is the trainer's.
            double served = Evaluation.score(loaded, null, text).loss();
            assertEquals(result.heldOutLossAfter(), served, 1e-4);
        }
    }

    @Test
    void theSameRunTwiceGivesTheSameBytes() throws Exception {
        Path data = TinyRuns.corpus(tmp).resolve(WordNetCorpus.PRETRAIN);
        Pretraining.run(TinyRuns.options(data, tmp.resolve("a"), 6, 0, false), RuntimeOptions.CPU,
                TrainingListener.NONE, TrainingControl.UNLIMITED);
        Pretraining.run(TinyRuns.options(data, tmp.resolve("b"), 6, 0, false), RuntimeOptions.CPU,
                TrainingListener.NONE, TrainingControl.UNLIMITED);
        for (String name : List.of("tokenizer.json", "config.json", "model.safetensors")) {
            assertEquals(-1L, Files.mismatch(tmp.resolve("a").resolve(name), tmp.resolve("b").resolve(name)), name);
        }
    }
}
