package dev.scion.engine.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.scion.engine.model.Projection;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The adapters active in a batch, stacked along the rank axis so that rows using different
 * adapters share one pair of products per projection: {@code delta = ((x · A_cat) ⊙ rowMask) · B_cat},
 * where a row's mask keeps only its own adapter's rank columns. Measured much cheaper on CPU than
 * gathering each row's A/B (BGMV style), because the products stay large and dense.
 *
 * <p>For a fused projection (q/k/v, gate/up) one product with A serves all its parts: A's columns
 * are ordered part by part, then adapter by adapter, and each part's slice of the result meets only
 * that part's B, so no product is spent on the zero blocks a fused B would hold.
 *
 * <p>Build one when the set of active adapters changes, not every step; it holds copies of the
 * stacked factors (none when a single adapter is active).
 */
public final class LoraBatch implements AutoCloseable {
    private static final LoraBatch EMPTY = new LoraBatch(List.of(), null, null, null, DataType.FLOAT32);

    private final List<DeviceAdapter> adapters;
    private final NDManager manager; // owns the stacked copies; null when nothing was copied
    private final NDArray[][] a; // [layer][fused]: (in, total rank over parts and adapters), or null
    private final Group[][] groups; // [layer][fused]
    private final DataType type;

    /**
     * Where each part of a fused projection sits in the stacked rank axis.
     *
     * @param partStart (parts): first column of each part
     * @param adapterOffsets (parts, adapters + 1): columns of each adapter inside its part
     * @param b (parts): the part's B, (part rank, part out), or null when no adapter adapts the part
     */
    private record Group(int[] partStart, int[][] adapterOffsets, NDArray[] b, int[] partOut, int totalRank) {}

    private LoraBatch(List<DeviceAdapter> adapters, NDManager manager, NDArray[][] a, Group[][] groups,
            DataType type) {
        this.adapters = adapters;
        this.manager = manager;
        this.a = a;
        this.groups = groups;
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
        FusedProjection[] fused = FusedProjection.values();
        NDManager manager = model.manager().newSubManager();
        NDArray[][] a = new NDArray[layers][fused.length];
        Group[][] groups = new Group[layers][fused.length];
        for (int l = 0; l < layers; l++) {
            for (FusedProjection g : fused) {
                List<Projection> parts = g.parts();
                int[] partStart = new int[parts.size()];
                int[][] offsets = new int[parts.size()][adapters.size() + 1];
                NDArray[] b = new NDArray[parts.size()];
                int[] partOut = new int[parts.size()];
                NDList as = new NDList();
                int column = 0;
                for (int p = 0; p < parts.size(); p++) {
                    Projection part = parts.get(p);
                    partStart[p] = column;
                    partOut[p] = part.outDim(model.config());
                    NDList bs = new NDList();
                    for (int i = 0; i < adapters.size(); i++) {
                        DeviceAdapter adapter = adapters.get(i);
                        int rank = adapter.rank(l, part);
                        offsets[p][i + 1] = offsets[p][i] + rank;
                        if (rank > 0) {
                            as.add(adapter.a(l, part));
                            bs.add(adapter.b(l, part));
                        }
                    }
                    column += offsets[p][adapters.size()];
                    b[p] = bs.isEmpty() ? null : stack(bs, 0, manager);
                }
                if (column == 0) {
                    continue;
                }
                a[l][g.ordinal()] = stack(as, 1, manager);
                groups[l][g.ordinal()] = new Group(partStart, offsets, b, partOut, column);
            }
        }
        return new LoraBatch(List.copyOf(adapters), manager, a, groups, model.computeType());
    }

    /** One array as it is (owned by its adapter), or a stacked copy owned by this batch. */
    private static NDArray stack(NDList parts, int axis, NDManager manager) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        NDArray stacked = NDArrays.concat(parts, axis);
        stacked.attach(manager);
        return stacked;
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

    final class Step implements LoraDelta {
        private final int[] rowAdapters;
        private final NDManager stepManager;
        private final boolean uniform; // every row uses adapter 0 and it is the only one
        private final boolean anyAdapted;
        private final Map<Group, NDArray> masks = new java.util.IdentityHashMap<>();
        private final Map<String, NDArray> masksByLayout = new HashMap<>(); // layers usually share one layout

        private Step(int[] rowAdapters, NDManager stepManager) {
            this.rowAdapters = rowAdapters;
            this.stepManager = stepManager;
            this.uniform = adapters.size() == 1 && Arrays.stream(rowAdapters).allMatch(i -> i == 0);
            this.anyAdapted = Arrays.stream(rowAdapters).anyMatch(i -> i >= 0);
            if (anyAdapted && !uniform) {
                // Built now, in the step's scope: layers run in scopes of their own that end with them.
                for (Group[] perLayer : groups) {
                    for (Group g : perLayer) {
                        if (g != null) {
                            mask(g);
                        }
                    }
                }
            }
        }

        /** The LoRA contribution to a fused projection's output for these rows, or null if none. */
        @Override
        public NDArray delta(int layer, FusedProjection fused, NDArray x) {
            NDArray la = anyAdapted ? a[layer][fused.ordinal()] : null;
            if (la == null) {
                return null;
            }
            Group g = groups[layer][fused.ordinal()];
            NDArray down = x.matMul(la); // (rows, total rank)
            if (!uniform) {
                down = down.mul(mask(g));
            }
            if (g.b().length == 1) {
                return down.matMul(g.b()[0]);
            }
            long rows = x.getShape().get(0);
            NDList outs = new NDList();
            for (int p = 0; p < g.b().length; p++) {
                int width = g.adapterOffsets()[p][adapters.size()];
                if (g.b()[p] == null) {
                    outs.add(stepManager.zeros(new Shape(rows, g.partOut()[p]), type));
                } else {
                    NDArray slice = down.get(new NDIndex(":, {}:{}", g.partStart()[p], g.partStart()[p] + width));
                    outs.add(slice.matMul(g.b()[p]));
                }
            }
            return NDArrays.concat(outs, 1);
        }

        private NDArray mask(Group g) {
            return masks.computeIfAbsent(g, k -> masksByLayout.computeIfAbsent(
                    Arrays.toString(g.partStart()) + Arrays.deepToString(g.adapterOffsets()), layout -> {
                int total = g.totalRank();
                float[] m = new float[rowAdapters.length * total]; // (rows, total rank)
                for (int r = 0; r < rowAdapters.length; r++) {
                    int ad = rowAdapters[r];
                    if (ad < 0) {
                        continue;
                    }
                    for (int p = 0; p < g.partStart().length; p++) {
                        int from = r * total + g.partStart()[p];
                        Arrays.fill(m, from + g.adapterOffsets()[p][ad], from + g.adapterOffsets()[p][ad + 1], 1f);
                    }
                }
                return Tensors.inType(stepManager.create(m, new Shape(rowAdapters.length, total)), type);
            }));
        }
    }

    @Override
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }
}
