package dev.scion.cli;

import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.runtime.Transformer;
import dev.scion.engine.weights.RandomWeights;
import dev.scion.trainer.StepProgress;
import dev.scion.trainer.TrainOptions;
import dev.scion.trainer.TrainingControl;
import dev.scion.trainer.TrainingListener;
import dev.scion.trainer.data.TrainingExample;
import dev.scion.trainer.loop.TrainingLoop;
import dev.scion.trainer.lora.LoraParameters;
import dev.scion.trainer.optim.AdamW;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Training throughput: full optimizer steps (forward, loss over every token, backward, AdamW on the LoRA
 * parameters) on random sequences, on a random-weight model of the given shape. The figure the trainer issue
 * compares with is eager PyTorch's on the same step.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure LoRA training tokens/s on a random-weight model (docs/benchmarks.md).")
final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--shape", defaultValue = "qwen2.5-0.5b", description = "Model shape: qwen2.5-0.5b or tiny.")
    String shape;

    @Option(names = "--seq-len", defaultValue = "512", description = "Tokens per sequence, all trained.")
    int seqLen;

    @Option(names = "--batch", defaultValue = "1", description = "Sequences per optimizer step.")
    int batch;

    @Option(names = "--rank", defaultValue = "16", description = "LoRA rank (all seven projections).")
    int rank;

    @Option(names = "--steps", defaultValue = "4", description = "Timed optimizer steps (the median is reported).")
    int steps;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed steps first.")
    int warmup;

    @Override
    public Integer call() throws IOException {
        ModelConfig config = BenchCommand.config(shape);
        System.out.printf(Locale.ROOT, "shape %s, LoRA rank %d on all projections, %d x %d tokens per step, "
                + "threads %d%n", shape, rank, batch, seqLen, Runtime.getRuntime().availableProcessors());
        try (RandomWeights weights = new RandomWeights(config, 1);
                Transformer model = Transformer.load(config, weights, new RuntimeOptions("cpu", "float32", seqLen))) {
            int total = warmup + steps;
            List<TrainingExample> examples = new ArrayList<>();
            for (int i = 0; i < total * batch; i++) {
                boolean[] mask = new boolean[seqLen];
                Arrays.fill(mask, true);
                examples.add(new TrainingExample(BenchCommand.randomTokens(config, seqLen, 31 + i), mask, i + 1, false,
                        List.of()));
            }
            TrainOptions options = TrainOptions.defaults().with(b -> {
                b.rank = rank;
                b.targets = EnumSet.allOf(Projection.class);
                b.epochs = 1;
                b.batchSize = batch;
                b.maxLength = seqLen;
            });
            LoraParameters params = LoraParameters.fresh(config, rank, options.alpha(), options.targets(), false, 1);
            System.out.printf(Locale.ROOT, "%.1fM LoRA parameters; RSS %s%n", params.count() / 1e6,
                    BenchCommand.rss());
            AdamW adam = new AdamW(params.zerosLike(), params.zerosLike(), 0, options.weightDecay());
            double[] seconds = new double[total];
            long[] last = {System.nanoTime()};
            TrainingListener timer = new TrainingListener() {
                @Override
                public void onStep(StepProgress p) {
                    long now = System.nanoTime();
                    seconds[p.step() - 1] = (now - last[0]) / 1e9;
                    last[0] = now;
                    System.out.printf(Locale.ROOT, "step %d: %.2f s, loss %.3f%n", p.step(), seconds[p.step() - 1],
                            p.loss());
                }
            };
            new TrainingLoop(model, params, adam, null, TrainingLoop.Adjustments.NONE, examples, List.of(), 0,
                    options, timer, TrainingControl.UNLIMITED).run(0, step -> {}, TrainingLoop.EpochEnd.NEVER);
            double[] timed = Arrays.copyOfRange(seconds, warmup, total);
            Arrays.sort(timed);
            double median = timed[timed.length / 2];
            System.out.printf(Locale.ROOT, "median step %.2f s: %.1f training tokens/s; peak RSS %s%n", median,
                    batch * seqLen / median, BenchCommand.peakRss());
        }
        return 0;
    }
}
