package dev.scion.trainer;

import dev.scion.engine.weights.TensorData;
import dev.scion.trainer.checkpoint.CheckpointStore;
import dev.scion.trainer.checkpoint.TrainingCheckpoint;
import dev.scion.trainer.loop.TrainingLoop;
import dev.scion.trainer.loop.RoundTarget;
import dev.scion.trainer.lora.LoraParameters;
import dev.scion.trainer.optim.AdamW;
import dev.scion.trainer.progress.LossCurve;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A round's checkpoints: the LoRA weights, AdamW's moments and step, the loss curve so far, the step reached and
 * the end-of-epoch checks with the EWC weight they set ({@link RoundTarget}). The learning-rate schedule, data
 * order and dropout masks are functions of the seed and the step (see {@link TrainingLoop}), so this is all a
 * resume needs to repeat the uninterrupted round exactly, including where it stops.
 */
final class RoundCheckpoints {
    private static final String LORA = "lora.";
    private static final String ADAM_M = "adam.m.";
    private static final String ADAM_V = "adam.v.";

    private final CheckpointStore store;
    private final String roundKey;
    private final LoraParameters params;
    private final AdamW optimizer;
    private final TrainingLoop loop;
    private final RoundTarget target;
    private final TrainingListener listener;
    private final long seed;

    RoundCheckpoints(CheckpointStore store, String roundKey, LoraParameters params, AdamW optimizer,
            TrainingLoop loop, RoundTarget target, TrainingListener listener, long seed) {
        this.target = target;
        this.seed = seed;
        this.store = store;
        this.roundKey = roundKey;
        this.params = params;
        this.optimizer = optimizer;
        this.loop = loop;
        this.listener = listener;
    }

    void save(int step) throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>(params.tensors(LORA, params.arrays()));
        tensors.putAll(params.tensors(ADAM_M, optimizer.firstMoments()));
        tensors.putAll(params.tensors(ADAM_V, optimizer.secondMoments()));
        List<List<Object>> curve = new ArrayList<>();
        for (LossCurve.Point p : loop.history()) {
            curve.add(List.of(p.step(), finite(p.loss()), finite(p.learningRate()), finite(p.gradNorm())));
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("step", step);
        state.put("adam_step", optimizer.step());
        state.put("round_key", roundKey);
        // The schedule, data position and dropout generator are functions of (seed, step); written out so a
        // checkpoint says where the round stood without re-deriving it.
        TrainingLoop.Plan plan = loop.plan();
        state.put("seed", seed);
        state.put("epoch", step / plan.stepsPerEpoch() + 1);
        state.put("data_position", (long) (step % plan.stepsPerEpoch()) * plan.examplesPerStep());
        state.put("learning_rate", loop.learningRateAt(Math.min(step, plan.totalSteps() - 1)));
        state.put("loss_curve", curve);
        target.saveTo(state);
        store.save(step, tensors, state);
        listener.onEvent("checkpoint at step " + step);
    }

    /** Loads the newest valid checkpoint into the round's state; returns its step, or 0 when there is none. */
    int restore() throws IOException {
        TrainingCheckpoint cp = store.loadNewestValid(listener::onEvent);
        if (cp == null) {
            return 0;
        }
        if (!roundKey.equals(cp.state().get("round_key"))) {
            throw new IllegalStateException(cp.folder() + ": belongs to another round; run without --resume");
        }
        if (!params.readTensors(LORA, cp.tensors(), params.arrays())
                || !params.readTensors(ADAM_M, cp.tensors(), optimizer.firstMoments())
                || !params.readTensors(ADAM_V, cp.tensors(), optimizer.secondMoments())) {
            throw new IllegalStateException(cp.folder() + ": its tensors do not fit this adapter's shape");
        }
        optimizer.restoreStep(((Number) cp.state().get("adam_step")).longValue());
        target.restoreFrom(cp.state());
        loop.history().clear();
        @SuppressWarnings("unchecked")
        List<List<Object>> curve = (List<List<Object>>) cp.state().get("loss_curve");
        for (List<Object> p : curve) {
            loop.history().add(new LossCurve.Point(((Number) p.get(0)).intValue(), number(p.get(1)),
                    number(p.get(2)), number(p.get(3))));
        }
        listener.onEvent("resumed from the checkpoint at step " + cp.step());
        return cp.step();
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static double number(Object o) {
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }
}
