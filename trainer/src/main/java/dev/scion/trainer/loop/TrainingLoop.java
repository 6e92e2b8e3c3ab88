package dev.scion.trainer.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.scion.engine.runtime.Transformer;
import dev.scion.trainer.RoundCancelledException;
import dev.scion.trainer.StepProgress;
import dev.scion.trainer.TrainOptions;
import dev.scion.trainer.TrainingControl;
import dev.scion.trainer.TrainingListener;
import dev.scion.trainer.data.TrainingExample;
import dev.scion.trainer.lora.AttachedLora;
import dev.scion.trainer.lora.LoraParameters;
import dev.scion.trainer.optim.AdamW;
import dev.scion.trainer.optim.LearningRateSchedule;
import dev.scion.trainer.progress.LossCurve;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The optimizer steps of one round. Everything random is a pure function of the seed and the step: each
 * epoch's example order comes from {@code Random(seed, epoch)} and each micro-batch's dropout masks from the
 * engine's generator seeded with {@code (seed, step, micro-batch)}. So the state to resume is just the
 * parameters, AdamW's moments and the step, and a resumed round repeats the uninterrupted one bit for bit.
 */
public final class TrainingLoop {

    /** How the examples divide into optimizer steps; the last step of an epoch may be short. */
    public record Plan(int examples, int examplesPerStep, int stepsPerEpoch, int totalSteps) {
        public static Plan of(int examples, TrainOptions o) {
            int perStep = o.batchSize() * o.gradientAccumulation();
            int perEpoch = Math.max(1, (examples + perStep - 1) / perStep);
            return new Plan(examples, perStep, perEpoch, perEpoch * o.epochs());
        }
    }

    /** Called after an optimizer step whose number is a multiple of the save interval. */
    @FunctionalInterface
    public interface Checkpointer {
        void save(int completedSteps) throws IOException;
    }

    private final Transformer model;
    private final LoraParameters params;
    private final AdamW optimizer;
    private final Ewc ewc;
    private final List<TrainingExample> examples;
    private final TrainOptions options;
    private final TrainingListener listener;
    private final TrainingControl control;
    private final Plan plan;
    private final LearningRateSchedule schedule;
    private final List<LossCurve.Point> history = new ArrayList<>();

    /** @param ewc the penalty towards the previous version, or null */
    public TrainingLoop(Transformer model, LoraParameters params, AdamW optimizer, Ewc ewc,
            List<TrainingExample> examples, TrainOptions options, TrainingListener listener, TrainingControl control) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        this.model = model;
        this.params = params;
        this.optimizer = optimizer;
        this.ewc = ewc;
        this.examples = examples;
        this.options = options;
        this.listener = listener;
        this.control = control;
        this.plan = Plan.of(examples.size(), options);
        this.schedule = LearningRateSchedule.of(options.learningRate(), options.warmupRatio(), plan.totalSteps(),
                options.schedule());
    }

    public Plan plan() {
        return plan;
    }

    /** The learning rate of optimizer step {@code step} (from 0). */
    public double learningRateAt(int step) {
        return schedule.at(step);
    }

    /** The loss curve so far (a resumed round starts with the checkpoint's). */
    public List<LossCurve.Point> history() {
        return history;
    }

    /** Runs steps {@code fromStep} to the end, checkpointing every {@code saveSteps}. */
    public void run(int fromStep, Checkpointer checkpointer) throws IOException {
        List<float[]> weights = params.arrays();
        List<float[]> grads = params.zerosLike();
        long started = System.nanoTime();
        long tokens = 0;
        for (int step = fromStep; step < plan.totalSteps(); step++) {
            for (float[] g : grads) {
                Arrays.fill(g, 0f);
            }
            List<TrainingExample> batch = examplesOf(step);
            int targets = 0;
            for (TrainingExample e : batch) {
                targets += TokenBatch.targets(e);
                tokens += e.tokens().length;
            }
            double lossSum = 0;
            int micro = 0;
            for (int from = 0; from < batch.size(); from += options.batchSize(), micro++) {
                List<TrainingExample> part = batch.subList(from, Math.min(batch.size(), from + options.batchSize()));
                lossSum += microBatch(step, micro, part, Math.max(1, targets), grads);
            }
            if (ewc != null && ewc.lambda() > 0) {
                ewc.addGradient(weights, grads);
            }
            double norm = AdamW.clip(grads, options.maxGradNorm());
            double rate = schedule.at(step);
            optimizer.update(weights, grads, rate);
            double loss = targets == 0 ? Double.NaN : lossSum / targets;
            history.add(new LossCurve.Point(step + 1, loss, rate, norm));
            double seconds = (System.nanoTime() - started) / 1e9;
            int done = step + 1 - fromStep;
            listener.onStep(new StepProgress(step + 1, plan.totalSteps(), step / plan.stepsPerEpoch() + 1, loss, rate,
                    norm, tokens / Math.max(seconds, 1e-9), seconds / done * (plan.totalSteps() - step - 1)));
            if (options.saveSteps() > 0 && (step + 1) % options.saveSteps() == 0 && step + 1 < plan.totalSteps()) {
                checkpointer.save(step + 1);
            }
        }
    }

    /** Forward and backward of one micro-batch; its gradients are added to {@code grads}. Returns its loss sum. */
    private double microBatch(int step, int micro, List<TrainingExample> part, int stepTargets, List<float[]> grads) {
        try {
            control.beforeStep();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RoundCancelledException(step);
        }
        if (control.cancelled()) {
            throw new RoundCancelledException(step);
        }
        long began = System.nanoTime();
        TokenBatch tokens = TokenBatch.of(part);
        if (tokens.targetCount() == 0) {
            return 0;
        }
        if (options.dropout() > 0) {
            Engine.getInstance().setRandomSeed(mix(options.seed(), step, micro));
        }
        double loss;
        try (NDManager manager = model.manager().newSubManager(); NDScope scope = new NDScope();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            AttachedLora lora = new AttachedLora(params, model.config(), manager, model.computeType(),
                    options.dropout(), true);
            TokenLoss.Scores scores = TokenLoss.forward(model, lora, tokens, manager, true);
            var sum = scores.sum();
            collector.backward(sum.div(manager.create((float) stepTargets)));
            loss = sum.getFloat();
            lora.addGradients(grads);
            scope.suppressNotUsedWarning();
        }
        control.afterStep(System.nanoTime() - began);
        return loss;
    }

    /** The examples of optimizer step {@code step}: a slice of its epoch's shuffled order. */
    List<TrainingExample> examplesOf(int step) {
        int epoch = step / plan.stepsPerEpoch();
        int index = step % plan.stepsPerEpoch();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(mix(options.seed(), epoch, -1)));
        List<TrainingExample> out = new ArrayList<>();
        int end = Math.min(examples.size(), (index + 1) * plan.examplesPerStep());
        for (int i = index * plan.examplesPerStep(); i < end; i++) {
            out.add(examples.get(order.get(i)));
        }
        return out;
    }

    private static int mix(long seed, int a, int b) {
        long h = seed * 0x9E3779B97F4A7C15L + a * 0xC2B2AE3D27D4EB4FL + b * 0x165667B19E3779F9L;
        h ^= h >>> 31;
        return (int) (h ^ (h >>> 32)) & 0x7fffffff;
    }
}
