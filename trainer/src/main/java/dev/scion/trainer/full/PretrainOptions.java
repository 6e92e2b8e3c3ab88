package dev.scion.trainer.full;

import dev.scion.engine.embedded.ModelShape;
import dev.scion.trainer.TrainOptions.Schedule;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One full-parameter training run. The data is plain text, one document per line (blank lines skipped), trained
 * on every token; or, for a {@code .jsonl} file, a chat dataset in any format {@code train} reads, trained on the
 * assistant's turns (instruction tuning).
 *
 * @param init a model folder to continue from (its weights, tokenizer and template); null: a fresh model of
 *     {@code shape} with random weights and a tokenizer learned from the data
 * @param shape the fresh model's shape; ignored with {@code init}
 * @param eval held-out data in the same format, scored before and after training; null: none
 * @param steps optimizer steps; the learning-rate schedule spans them
 * @param batchSize sequences per micro-batch
 * @param seqLen tokens per sequence: text is packed into sequences of this length, chat examples cut to it
 * @param saveSteps checkpoint every this many steps (and at the end)
 * @param resume continue from the newest valid checkpoint in {@code out/checkpoints}
 * @param bf16 write the final weights as bfloat16 (half the size) instead of float32
 */
public record PretrainOptions(Path data, Path out, Path init, ModelShape shape, Path eval, int steps, int batchSize,
        int gradientAccumulation, int seqLen, double learningRate, double warmupRatio, Schedule schedule,
        double weightDecay, double maxGradNorm, long seed, int saveSteps, boolean resume,
        boolean bf16) {

    public PretrainOptions {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(schedule, "schedule");
        if (init == null) {
            Objects.requireNonNull(shape, "a shape (or a model to continue from)");
        }
        check(steps >= 1, "steps must be 1 or more, got " + steps);
        check(batchSize >= 1, "batch size must be 1 or more, got " + batchSize);
        check(gradientAccumulation >= 1, "gradient accumulation must be 1 or more, got " + gradientAccumulation);
        check(seqLen >= 2, "sequence length must be 2 or more, got " + seqLen);
        check(learningRate > 0 && Double.isFinite(learningRate), "learning rate must be positive, got " + learningRate);
        check(warmupRatio >= 0 && warmupRatio < 1, "warmup ratio must be in [0, 1), got " + warmupRatio);
        check(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be 0 or more, got " + weightDecay);
        check(maxGradNorm >= 0 && Double.isFinite(maxGradNorm), "max grad norm must be 0 (off) or more");
        check(saveSteps >= 0, "save steps must be 0 or more, got " + saveSteps);
    }

    /** The settings that decide the result (not where it goes, nor whether it resumes), for a run's key. */
    public String identity() {
        return String.join("|", String.valueOf(init), String.valueOf(shape), String.valueOf(steps),
                String.valueOf(batchSize), String.valueOf(gradientAccumulation), String.valueOf(seqLen),
                Double.toString(learningRate), Double.toString(warmupRatio), schedule.name(),
                Double.toString(weightDecay), Double.toString(maxGradNorm), Long.toString(seed));
    }

    /** Whether the data is a chat dataset (instruction tuning) rather than plain text. */
    public boolean chatData() {
        return data.getFileName().toString().endsWith(".jsonl");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
