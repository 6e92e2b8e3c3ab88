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
 * The optimizer steps of one round. An epoch is every new example once plus {@code replayPerEpoch} examples drawn
 * afresh each epoch from the replay pool (so over a round's epochs every earlier example comes back, not one fixed
 * sample). Everything random is a pure function of the seed and the step: each epoch's replay draw and example
 * order come from {@code Random(seed, epoch)} and each micro-batch's dropout masks from the engine's generator
 * seeded with {@code (seed, step, micro-batch)}. So the state to resume is the parameters, AdamW's moments, the
 * step and the end-of-epoch checks ({@link RoundTarget}), and a resumed round repeats the uninterrupted one bit
 * for bit, stopping epoch included.
 */
public final class TrainingLoop {

    /**
     * How an epoch's examples divide into optimizer steps (the last step of an epoch may be short), and the most
     * steps the round may take: its fixed epochs, or the most epochs a round training to its target may use.
     */
    public record Plan(int examples, int examplesPerStep, int stepsPerEpoch, int totalSteps) {
        public static Plan of(int examples, TrainOptions o) {
            int perStep = o.batchSize() * o.gradientAccumulation();
            int perEpoch = Math.max(1, (examples + perStep - 1) / perStep);
            return new Plan(examples, perStep, perEpoch, perEpoch * o.plannedEpochs());
        }
    }

    /** Called after an optimizer step whose number is a multiple of the save interval, and at every epoch's end. */
    @FunctionalInterface
    public interface Checkpointer {
        void save(int completedSteps) throws IOException;
    }

    /** Called at the end of every epoch (from 1), before its checkpoint; returns whether the round stops there. */
    @FunctionalInterface
    public interface EpochEnd {
        boolean stopAfter(int epoch, int completedSteps);

        EpochEnd NEVER = (epoch, steps) -> false;
    }

    private final Transformer model;
    private final TrainableParameters params;
    private final AdamW optimizer;
    private final Ewc ewc;
    private final Adjustments adjustments;
    private final List<TrainingExample> fresh;
    private final List<TrainingExample> replayPool;
    private final int replayPerEpoch;
    private final TrainOptions options;
    private final TrainingListener listener;
    private final TrainingControl control;
    private final Plan plan;
    private final LearningRateSchedule schedule;
    private final List<LossCurve.Point> history = new ArrayList<>();
    private int cachedEpoch = -1;
    private List<TrainingExample> cachedOrder;

    /**
     * What the end-of-epoch checks of a round that trains to its target change for the following epoch (a fixed
     * round uses {@link #NONE}).
     */
    public interface Adjustments {
        /** The EWC weight of the next step. */
        double ewcLambda();

        /** The factor the schedule's learning rate is multiplied by at the next step. */
        double learningRateScale();

        Adjustments NONE = new Adjustments() {
            @Override
            public double ewcLambda() {
                return 0;
            }

            @Override
            public double learningRateScale() {
                return 1;
            }
        };
    }

    /**
     * @param ewc the penalty towards the previous version, or null
     * @param adjustments its weight and the learning rate's scale at the current step (they may change between
     *     epochs)
     * @param fresh the round's new examples, trained on every epoch
     * @param replayPool earlier rounds' examples to draw from
     * @param replayPerEpoch how many of them each epoch adds ({@code replayPool.size()} or more: all of them)
     */
    public TrainingLoop(Transformer model, TrainableParameters params, AdamW optimizer, Ewc ewc,
            Adjustments adjustments, List<TrainingExample> fresh, List<TrainingExample> replayPool, int replayPerEpoch,
            TrainOptions options, TrainingListener listener, TrainingControl control) {
        this(model, params, optimizer, ewc, adjustments, fresh, replayPool, replayPerEpoch, options, listener, control,
                0);
    }

    /**
     * @param maxSteps when above 0, the round is this many optimizer steps (the schedule spans them), however many
     *     epochs that is: pretraining counts steps, not passes over the data
     */
    public TrainingLoop(Transformer model, TrainableParameters params, AdamW optimizer, Ewc ewc,
            Adjustments adjustments, List<TrainingExample> fresh, List<TrainingExample> replayPool, int replayPerEpoch,
            TrainOptions options, TrainingListener listener, TrainingControl control, int maxSteps) {
        if (fresh.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        this.model = model;
        this.params = params;
        this.optimizer = optimizer;
        this.ewc = ewc;
        this.adjustments = adjustments;
        this.fresh = fresh;
        this.replayPool = replayPool;
        this.replayPerEpoch = Math.min(replayPerEpoch, replayPool.size());
        this.options = options;
        this.listener = listener;
        this.control = control;
        Plan epochs = Plan.of(fresh.size() + this.replayPerEpoch, options);
        this.plan = maxSteps > 0 ? new Plan(epochs.examples(), epochs.examplesPerStep(), epochs.stepsPerEpoch(), maxSteps)
                : epochs;
        this.schedule = LearningRateSchedule.of(options.learningRate(), options.warmupRatio(), plan.totalSteps(),
                options.schedule());
    }

    public Plan plan() {
        return plan;
    }

    /** The learning rate of optimizer step {@code step} (from 0), with the current scale. */
    public double learningRateAt(int step) {
        return schedule.at(step) * adjustments.learningRateScale();
    }

    /** The mean loss of epoch {@code epoch}'s (from 1) steps, from the loss curve; NaN when none is recorded. */
    public double meanLossOfEpoch(int epoch) {
        double sum = 0;
        int n = 0;
        for (LossCurve.Point p : history) {
            if ((p.step() - 1) / plan.stepsPerEpoch() + 1 == epoch && Double.isFinite(p.loss())) {
                sum += p.loss();
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The loss curve so far (a resumed round starts with the checkpoint's). */
    public List<LossCurve.Point> history() {
        return history;
    }

    /** Replayed examples per epoch. */
    public int replayPerEpoch() {
        return replayPerEpoch;
    }

    /**
     * Runs steps {@code fromStep} to the end of the plan, or to the end of the first epoch after which
     * {@code epochEnd} stops the round; checkpoints every {@code saveSteps} and at every epoch's end when
     * {@code epochEnd} is given. Returns the steps completed.
     */
    public int run(int fromStep, Checkpointer checkpointer, EpochEnd epochEnd) throws IOException {
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
            double norm = AdamW.clip(grads, options.maxGradNorm());
            double rate = learningRateAt(step);
            optimizer.update(weights, grads, rate);
            double lambda = ewc == null ? 0 : adjustments.ewcLambda();
            if (lambda > 0) {
                ewc.pull(weights, rate, lambda);
            }
            double loss = targets == 0 ? Double.NaN : lossSum / targets;
            history.add(new LossCurve.Point(step + 1, loss, rate, norm));
            double seconds = (System.nanoTime() - started) / 1e9;
            int done = step + 1 - fromStep;
            listener.onStep(new StepProgress(step + 1, plan.totalSteps(), step / plan.stepsPerEpoch() + 1, loss, rate,
                    norm, tokens / Math.max(seconds, 1e-9), seconds / done * (plan.totalSteps() - step - 1)));
            boolean epochDone = (step + 1) % plan.stepsPerEpoch() == 0;
            if (epochDone && epochEnd != EpochEnd.NEVER) {
                boolean stop = epochEnd.stopAfter((step + 1) / plan.stepsPerEpoch(), step + 1);
                if (stop || step + 1 == plan.totalSteps()) {
                    return step + 1; // the caller saves the final state
                }
                checkpointer.save(step + 1); // the check is part of it: a resume never repeats or redoes it
            } else if (options.saveSteps() > 0 && (step + 1) % options.saveSteps() == 0
                    && step + 1 < plan.totalSteps()) {
                checkpointer.save(step + 1);
            }
        }
        return plan.totalSteps();
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
            TrainableParameters.Attached attached = params.attach(model, manager, options.dropout(), true);
            TokenLoss.Scores scores = TokenLoss.forward(attached.model(), attached.delta(), tokens, manager, true);
            var sum = scores.sum();
            collector.backward(sum.div(manager.create((float) stepTargets)));
            loss = sum.getFloat();
            attached.addGradients(grads);
            scope.suppressNotUsedWarning();
        }
        control.afterStep(System.nanoTime() - began);
        return loss;
    }

    /** The examples of optimizer step {@code step}: a slice of its epoch's shuffled order. */
    List<TrainingExample> examplesOf(int step) {
        int epoch = step / plan.stepsPerEpoch();
        int index = step % plan.stepsPerEpoch();
        List<TrainingExample> order = epochOrder(epoch);
        int end = Math.min(order.size(), (index + 1) * plan.examplesPerStep());
        return order.subList(Math.min(end, index * plan.examplesPerStep()), end);
    }

    /** Epoch {@code epoch}'s (from 0) examples in training order: the new ones and its replay draw, shuffled. */
    private List<TrainingExample> epochOrder(int epoch) {
        if (epoch != cachedEpoch) {
            Random random = new Random(mix(options.seed(), epoch, -1));
            List<TrainingExample> all = new ArrayList<>(fresh);
            if (replayPerEpoch == replayPool.size()) {
                all.addAll(replayPool);
            } else if (replayPerEpoch > 0) {
                List<TrainingExample> pool = new ArrayList<>(replayPool);
                Collections.shuffle(pool, random);
                all.addAll(pool.subList(0, replayPerEpoch));
            }
            Collections.shuffle(all, random);
            cachedOrder = all;
            cachedEpoch = epoch;
        }
        return cachedOrder;
    }

    private static int mix(long seed, int a, int b) {
        long h = seed * 0x9E3779B97F4A7C15L + a * 0xC2B2AE3D27D4EB4FL + b * 0x165667B19E3779F9L;
        h ^= h >>> 31;
        return (int) (h ^ (h >>> 32)) & 0x7fffffff;
    }
}
