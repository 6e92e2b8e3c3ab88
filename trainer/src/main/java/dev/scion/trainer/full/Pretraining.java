package dev.scion.trainer.full;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scion.engine.LoadedModel;
import dev.scion.engine.embedded.DefaultModel;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.runtime.Transformer;
import dev.scion.engine.text.Tokenizer;
import dev.scion.engine.text.template.ChatTemplate;
import dev.scion.engine.io.AtomicFiles;
import dev.scion.engine.weights.Checkpoint;
import dev.scion.engine.weights.DType;
import dev.scion.engine.weights.RandomWeights;
import dev.scion.engine.weights.SafetensorsWriter;
import dev.scion.engine.weights.WeightSource;
import dev.scion.trainer.EvalScore;
import dev.scion.trainer.Evaluation;
import dev.scion.trainer.TrainOptions;
import dev.scion.trainer.TrainingControl;
import dev.scion.trainer.TrainingListener;
import dev.scion.trainer.checkpoint.CheckpointStore;
import dev.scion.trainer.data.Dataset;
import dev.scion.trainer.data.DatasetFormat;
import dev.scion.trainer.data.DatasetOptions;
import dev.scion.trainer.data.TrainingExample;
import dev.scion.trainer.loop.TrainingLoop;
import dev.scion.trainer.optim.AdamW;
import dev.scion.trainer.progress.LossCurve;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Full-parameter training of a whole model: pretraining a fresh one on plain text, or continuing one (e.g.
 * instruction tuning on a chat dataset). It is the LoRA rounds' {@link TrainingLoop} (same AdamW, schedules,
 * clipping, data order and checkpoints) over {@link FullParameters}. {@code out} becomes a Hugging Face model
 * folder Scion serves: config.json, generation_config.json, tokenizer files, model.safetensors, plus
 * {@code checkpoints/}, {@code loss.csv} and {@code pretrain.json} (what was run and how it went).
 */
public final class Pretraining {
    public static final String CHECKPOINTS = "checkpoints";
    public static final String REPORT = "pretrain.json";
    private static final List<String> MODEL_FILES = List.of("config.json", "generation_config.json",
            "tokenizer.json", "tokenizer_config.json");

    /**
     * @param resumedFrom the checkpoint step the run continued from (0: from the start)
     * @param heldOutLossBefore mean token loss on the eval data before training (NaN without eval data)
     */
    public record Result(Path model, long parameters, int sequences, int steps, int resumedFrom, double finalLoss,
            double heldOutLossBefore, double heldOutLossAfter, double secondsPerStep, long tokensPerStep) {}

    private Pretraining() {}

    public static Result run(PretrainOptions o, RuntimeOptions runtime, TrainingListener listener,
            TrainingControl control) throws IOException {
        Path out = o.out().toAbsolutePath();
        Files.createDirectories(out);
        List<String> documents = o.chatData() ? List.of() : TextCorpus.documents(o.data());
        if (!o.chatData() && documents.isEmpty()) {
            throw new IllegalArgumentException(o.data() + ": no documents (one per line)");
        }
        prepareFolder(o, out, documents, listener);
        ModelConfig config = ModelConfig.load(out);
        try (WeightSource initial = o.init() != null ? Checkpoint.open(o.init()) : new RandomWeights(config, o.seed());
                LoadedModel model = open(out, config, initial, runtime)) {
            FullParameters params = FullParameters.of(config, initial);
            List<TrainingExample> train = examples(o.data(), documents, model, o);
            List<TrainingExample> heldOut = o.eval() == null ? List.of()
                    : examples(o.eval(), o.chatData() ? List.of() : TextCorpus.documents(o.eval()), model, o);
            if (train.isEmpty()) {
                throw new IllegalArgumentException(o.data() + ": not one sequence of " + o.seqLen() + " tokens");
            }
            listener.onEvent(String.format(Locale.ROOT, "%,d parameters; %d training sequences (%,d tokens), %d"
                    + " held out; %d steps of %d sequences", params.count(), train.size(), TextCorpus.tokens(train),
                    heldOut.size(), o.steps(), o.batchSize() * o.gradientAccumulation()));
            TrainOptions loopOptions = TrainOptions.defaults().with(b -> {
                b.learningRate = o.learningRate();
                b.warmupRatio = o.warmupRatio();
                b.schedule = o.schedule();
                b.weightDecay = o.weightDecay();
                b.maxGradNorm = o.maxGradNorm();
                b.batchSize = o.batchSize();
                b.gradientAccumulation = o.gradientAccumulation();
                b.seed = o.seed();
                b.saveSteps = o.saveSteps();
                b.maxLength = o.seqLen();
                b.dropout = 0;
                b.epochs = 1; // the step count below decides the length
            });
            AdamW optimizer = new AdamW(params.zerosLike(), params.zerosLike(), 0, o.weightDecay(),
                    params.decayMask());
            TrainingLoop loop = new TrainingLoop(model.transformer(), params, optimizer, null,
                    TrainingLoop.Adjustments.NONE, train, List.of(), 0, loopOptions, listener, control, o.steps());
            FullCheckpoints checkpoints = new FullCheckpoints(new CheckpointStore(out.resolve(CHECKPOINTS), 2),
                    runKey(o, out), params, optimizer, loop, listener);
            double before = heldOut.isEmpty() ? Double.NaN
                    : Evaluation.score(model.transformer(), params, heldOut).loss();
            int from = 0;
            if (o.resume()) {
                from = checkpoints.restore();
            } else {
                checkpoints.clear();
            }
            long began = System.nanoTime();
            int end = from < o.steps() ? loop.run(from, checkpoints::save, TrainingLoop.EpochEnd.NEVER) : from;
            double seconds = (System.nanoTime() - began) / 1e9;
            if (end > from) {
                checkpoints.save(end);
            }
            double after = heldOut.isEmpty() ? Double.NaN
                    : Evaluation.score(model.transformer(), params, heldOut).loss();
            SafetensorsWriter.write(out.resolve(Checkpoint.SINGLE_FILE),
                    params.tensors("", params.arrays(), o.bf16() ? DType.BF16 : DType.F32),
                    Map.of("format", "pt", "scion", "pretrain"));
            LossCurve curve = new LossCurve(loop.history());
            curve.writeCsv(out.resolve("loss.csv"));
            double finalLoss = curve.isEmpty() ? Double.NaN : curve.points().get(curve.points().size() - 1).loss();
            long tokensPerStep = (long) o.batchSize() * o.gradientAccumulation() * o.seqLen();
            Result result = new Result(out, params.count(), train.size(), end, from, finalLoss, before, after,
                    end > from ? seconds / (end - from) : Double.NaN, tokensPerStep);
            writeReport(out.resolve(REPORT), o, result);
            return result;
        }
    }

    /** Writes (or, resuming, keeps) the config and tokenizer: copied from the model continued, or made anew. */
    private static void prepareFolder(PretrainOptions o, Path out, List<String> documents, TrainingListener listener)
            throws IOException {
        boolean present = Files.isRegularFile(out.resolve("config.json"))
                && Files.isRegularFile(out.resolve("tokenizer.json"));
        if (o.resume() && present) {
            return; // the run key includes the tokenizer's digest, so a mismatched folder is refused
        }
        if (o.init() != null) {
            if (!o.init().toAbsolutePath().normalize().equals(out.normalize())) {
                for (String name : MODEL_FILES) {
                    Path file = o.init().resolve(name);
                    if (Files.isRegularFile(file)) {
                        Files.copy(file, out.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return;
        }
        long began = System.nanoTime();
        DefaultModel.writeConfig(out, o.shape(), String.join("\n", documents));
        listener.onEvent(String.format(Locale.ROOT, "tokenizer: %d merges learned from the data in %.1f s",
                o.shape().merges(), (System.nanoTime() - began) / 1e9));
    }

    private static LoadedModel open(Path out, ModelConfig config, WeightSource weights, RuntimeOptions runtime)
            throws IOException {
        Tokenizer tokenizer = Tokenizer.load(out.resolve("tokenizer.json"));
        try {
            ChatTemplate template = ChatTemplate.fromTokenizerConfig(out.resolve("tokenizer_config.json"));
            return new LoadedModel(out, config, Transformer.load(config, weights, runtime), tokenizer, template);
        } catch (RuntimeException | IOException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static List<TrainingExample> examples(Path file, List<String> documents, LoadedModel model,
            PretrainOptions o) throws IOException {
        if (o.chatData()) {
            return Dataset.load(file, model, new DatasetOptions(DatasetFormat.AUTO, o.seqLen(), false, false))
                    .examples();
        }
        return TextCorpus.sequences(documents, model.requireTokenizer(), o.seqLen());
    }

    /** The settings, the data's and tokenizer's digests, and where the weights start: a resume must match them. */
    private static String runKey(PretrainOptions o, Path out) throws IOException {
        MessageDigest sha = sha256();
        sha.update(o.identity().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update(Files.readAllBytes(o.data()));
        sha.update(Files.readAllBytes(out.resolve("tokenizer.json")));
        if (o.init() != null) {
            sha.update(Files.readAllBytes(o.init().resolve(Checkpoint.SINGLE_FILE)));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void writeReport(Path file, PretrainOptions o, Result r) throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("data", o.data().toAbsolutePath().toString());
        report.put("init", o.init() == null ? null : o.init().toAbsolutePath().toString());
        report.put("shape", o.shape() == null || o.init() != null ? null : o.shape().toString());
        report.put("parameters", r.parameters());
        report.put("sequences", r.sequences());
        report.put("steps", r.steps());
        report.put("resumed_from", r.resumedFrom());
        report.put("batch_size", o.batchSize());
        report.put("gradient_accumulation", o.gradientAccumulation());
        report.put("seq_len", o.seqLen());
        report.put("learning_rate", o.learningRate());
        report.put("schedule", o.schedule().name().toLowerCase(Locale.ROOT));
        report.put("seed", o.seed());
        report.put("final_loss", finite(r.finalLoss()));
        report.put("held_out_loss_before", finite(r.heldOutLossBefore()));
        report.put("held_out_loss_after", finite(r.heldOutLossAfter()));
        report.put("held_out_perplexity_after", finite(Math.exp(r.heldOutLossAfter())));
        report.put("seconds_per_step", finite(r.secondsPerStep()));
        report.put("tokens_per_step", r.tokensPerStep());
        report.put("weights_dtype", o.bf16() ? "bfloat16" : "float32");
        AtomicFiles.write(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(report));
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
