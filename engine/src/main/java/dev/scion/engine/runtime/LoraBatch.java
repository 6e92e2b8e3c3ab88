package dev.scion.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The adapters active in a batch, concatenated along the rank axis so that rows using different
 * adapters share one pair of products: {@code delta = ((x · A_cat) ⊙ rowMask) · B_cat}, where a
 * row's mask keeps only its own adapter's rank columns. Measured much cheaper on CPU than gathering
 * each row's A/B (BGMV style), because the products stay large and dense.
 *
 * <p>Build one when the set of active adapters changes, not every step; it holds copies of the
 * concatenated factors (none when a single adapter is active).
 */
public final class LoraBatch implements AutoCloseable {
    private static final LoraBatch EMPTY = new LoraBatch(List.of(), null, null, null, null, DataType.FLOAT32);

    private final List<DeviceAdapter> adapters;
    private final NDManager manager; // owns the concatenations; null when nothing was copied
    private final NDArray[][] a; // [layer][fused]: (in, totalRank) or null
    private final NDArray[][] b; // [layer][fused]: (totalRank, fusedOut) or null
    private final int[][][] rankOffsets; // [layer][fused][adapter + 1]: column where each adapter starts
    private final DataType type;

    private LoraBatch(List<DeviceAdapter> adapters, NDManager manager, NDArray[][] a, NDArray[][] b,
            int[][][] rankOffsets, DataType type) {
        this.adapters = adapters;
        this.manager = manager;
        this.a = a;
        this.b = b;
        this.rankOffsets = rankOffsets;
        this.type = type;
    }

    /** The base model alone. */
    public static LoraBatch none() {
        return EMPTY;
    }

    public static LoraBatch of(List<DeviceAdapter> adapters, Transformer model) {
        if (adapters.isEmpty()) {
            return EMPTY;
        }
        int layers = model.config().numLayers();
        FusedProjection[] groups = FusedProjection.values();
        NDManager manager = adapters.size() > 1 ? model.manager().newSubManager() : null;
        NDArray[][] a = new NDArray[layers][groups.length];
        NDArray[][] b = new NDArray[layers][groups.length];
        int[][][] offsets = new int[layers][groups.length][];
        for (int l = 0; l < layers; l++) {
            for (FusedProjection g : groups) {
                int[] off = new int[adapters.size() + 1];
                NDList as = new NDList();
                NDList bs = new NDList();
                for (int i = 0; i < adapters.size(); i++) {
                    DeviceAdapter adapter = adapters.get(i);
                    off[i + 1] = off[i] + adapter.rank(l, g);
                    if (adapter.rank(l, g) > 0) {
                        as.add(adapter.a(l, g));
                        bs.add(adapter.b(l, g));
                    }
                }
                offsets[l][g.ordinal()] = off;
                if (as.isEmpty()) {
                    continue;
                }
                if (as.size() == 1) {
                    a[l][g.ordinal()] = as.get(0);
                    b[l][g.ordinal()] = bs.get(0);
                } else {
                    NDArray ca = NDArrays.concat(as, 1);
                    NDArray cb = NDArrays.concat(bs, 0);
                    ca.attach(manager);
                    cb.attach(manager);
                    a[l][g.ordinal()] = ca;
                    b[l][g.ordinal()] = cb;
                }
            }
        }
        return new LoraBatch(List.copyOf(adapters), manager, a, b, offsets, model.computeType());
    }

    public List<DeviceAdapter> adapters() {
        return adapters;
    }

    public boolean isEmpty() {
        return adapters.isEmpty();
    }

    /** Per-step state: which adapter each row uses, and the masks built for it. */
    Step step(int[] rowAdapters, NDManager stepManager) {
        return new Step(rowAdapters, stepManager);
    }

    final class Step {
        private final int[] rowAdapters;
        private final NDManager stepManager;
        private final boolean uniform; // every row uses adapter 0 and it is the only one
        private final boolean anyAdapted;
        private final Map<List<Integer>, NDArray> masks = new HashMap<>();

        private Step(int[] rowAdapters, NDManager stepManager) {
            this.rowAdapters = rowAdapters;
            this.stepManager = stepManager;
            this.uniform = adapters.size() == 1 && Arrays.stream(rowAdapters).allMatch(i -> i == 0);
            this.anyAdapted = Arrays.stream(rowAdapters).anyMatch(i -> i >= 0);
            if (anyAdapted && !uniform) {
                // Built now, in the step's scope: layers run in scopes of their own that end with them.
                for (int l = 0; l < rankOffsets.length; l++) {
                    for (FusedProjection g : FusedProjection.values()) {
                        if (a[l][g.ordinal()] != null) {
                            mask(rankOffsets[l][g.ordinal()]);
                        }
                    }
                }
            }
        }

        /** The LoRA contribution to a fused projection's output for these rows, or null if none. */
        NDArray delta(int layer, FusedProjection g, NDArray x) {
            NDArray la = anyAdapted ? a[layer][g.ordinal()] : null;
            if (la == null) {
                return null;
            }
            NDArray down = x.matMul(la);
            if (!uniform) {
                down = down.mul(mask(rankOffsets[layer][g.ordinal()]));
            }
            return down.matMul(b[layer][g.ordinal()]);
        }

        private NDArray mask(int[] offsets) {
            List<Integer> key = Arrays.stream(offsets).boxed().toList();
            return masks.computeIfAbsent(key, k -> {
                int total = offsets[offsets.length - 1];
                float[] m = new float[rowAdapters.length * total]; // (rows, totalRank)
                for (int r = 0; r < rowAdapters.length; r++) {
                    int ad = rowAdapters[r];
                    if (ad >= 0) {
                        Arrays.fill(m, r * total + offsets[ad], r * total + offsets[ad + 1], 1f);
                    }
                }
                NDArray mask = stepManager.create(m, new Shape(rowAdapters.length, total));
                return type == DataType.FLOAT32 ? mask : mask.toType(type, false);
            });
        }
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
