package dev.scion.trainer.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.scion.trainer.data.TrainingExample;
import java.util.List;

/**
 * Examples packed for one teacher-forced forward: token ids right-padded to the longest, and for every trained
 * token the hidden-state row that predicts it (the previous position) with the token itself as target.
 *
 * @param ids (batch * length) token ids, padding 0
 * @param sourceRows (targets) flat row of the position before each target
 * @param targets (targets) the target tokens
 * @param targetExample (targets) which example of the batch each target belongs to
 */
public record TokenBatch(int batch, int length, long[] ids, long[] sourceRows, long[] targets, int[] targetExample,
        int tokens) {

    public static TokenBatch of(List<TrainingExample> examples) {
        int length = 0;
        int targetCount = 0;
        int tokens = 0;
        for (TrainingExample e : examples) {
            length = Math.max(length, e.tokens().length);
            tokens += e.tokens().length;
            targetCount += targets(e);
        }
        long[] ids = new long[examples.size() * length];
        long[] sourceRows = new long[targetCount];
        long[] targets = new long[targetCount];
        int[] targetExample = new int[targetCount];
        int t = 0;
        for (int b = 0; b < examples.size(); b++) {
            TrainingExample e = examples.get(b);
            int[] tok = e.tokens();
            for (int i = 0; i < tok.length; i++) {
                ids[b * length + i] = tok[i];
            }
            for (int i = 1; i < tok.length; i++) {
                if (e.lossMask()[i]) {
                    sourceRows[t] = (long) b * length + i - 1;
                    targets[t] = tok[i];
                    targetExample[t] = b;
                    t++;
                }
            }
        }
        return new TokenBatch(examples.size(), length, ids, sourceRows, targets, targetExample, tokens);
    }

    /** Tokens an example is scored on: masked tokens after the first (token 0 has nothing before it). */
    public static int targets(TrainingExample e) {
        int n = 0;
        for (int i = 1; i < e.lossMask().length; i++) {
            if (e.lossMask()[i]) {
                n++;
            }
        }
        return n;
    }

    public int targetCount() {
        return targets.length;
    }

    public NDArray idsArray(NDManager manager) {
        return manager.create(ids, new Shape(batch, length));
    }
}
