package dev.scion.trainer.full;

import dev.scion.engine.weights.DType;
import dev.scion.engine.weights.TensorData;
import dev.scion.trainer.TrainingListener;
import dev.scion.trainer.checkpoint.CheckpointStore;
import dev.scion.trainer.checkpoint.TrainingCheckpoint;
import dev.scion.trainer.loop.TrainingLoop;
import dev.scion.trainer.optim.AdamW;
import dev.scion.trainer.progress.LossCurve;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A full-parameter run's checkpoints in the trainer's {@link CheckpointStore}: every weight, AdamW's moments and
 * step, the loss curve and the run's key. Data order and the schedule are functions of (seed, step) in
 * {@link TrainingLoop}, so this is all a resume needs to repeat the uninterrupted run bit for bit.
 */
final class FullCheckpoints {
    private static final String WEIGHTS = "model.";
    private static final String ADAM_M = "adam.m.";
    private static final String ADAM_V = "adam.v.";

    private final CheckpointStore store;
    private final String runKey;
    private final FullParameters params;
    private final AdamW optimizer;
    private final TrainingLoop loop;
    private final TrainingListener listener;

    FullCheckpoints(CheckpointStore store, String runKey, FullParameters params, AdamW optimizer, TrainingLoop loop,
            TrainingListener listener) {
        this.store = store;
        this.runKey = runKey;
        this.params = params;
        this.optimizer = optimizer;
        this.loop = loop;
        this.listener = listener;
    }

    void save(int step) throws IOException {
        Map<String, TensorData> tensors = new LinkedHashMap<>(params.tensors(WEIGHTS, params.arrays(), DType.F32));
        tensors.putAll(params.tensors(ADAM_M, optimizer.firstMoments(), DType.F32));
        tensors.putAll(params.tensors(ADAM_V, optimizer.secondMoments(), DType.F32));
        List<List<Object>> curve = new ArrayList<>();
        for (LossCurve.Point p : loop.history()) {
            curve.add(List.of(p.step(), finite(p.loss()), finite(p.learningRate()), finite(p.gradNorm())));
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("step", step);
        state.put("adam_step", optimizer.step());
        state.put("run_key", runKey);
        state.put("loss_curve", curve);
        store.save(step, tensors, state);
        listener.onEvent("checkpoint at step " + step);
    }

    /** Loads the newest valid checkpoint into the run's state; returns its step, or 0 when there is none. */
    int restore() throws IOException {
        TrainingCheckpoint cp = store.loadNewestValid(listener::onEvent);
        if (cp == null) {
            return 0;
        }
        if (!runKey.equals(cp.state().get("run_key"))) {
            throw new IllegalStateException(cp.folder() + ": belongs to a run with other data or settings; run"
                    + " without --resume to start anew");
        }
        if (!params.readTensors(WEIGHTS, cp.tensors(), params.arrays())
                || !params.readTensors(ADAM_M, cp.tensors(), optimizer.firstMoments())
                || !params.readTensors(ADAM_V, cp.tensors(), optimizer.secondMoments())) {
            throw new IllegalStateException(cp.folder() + ": its tensors do not fit this model's shape");
        }
        optimizer.restoreStep(((Number) cp.state().get("adam_step")).longValue());
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

    void clear() throws IOException {
        store.clear();
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static double number(Object o) {
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }
}
