package dev.scion.trainer.lora;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraFactor;
import dev.scion.engine.lora.LoraTarget;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.weights.TensorData;
import dev.scion.trainer.loop.TrainableParameters;
import ai.djl.ndarray.NDManager;
import dev.scion.engine.runtime.LoraDelta;
import dev.scion.engine.runtime.Transformer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The trainable LoRA factors as plain float arrays (the master copy the optimizer updates), in PEFT's layout so
 * publishing needs no conversion. Each step uploads them into an {@link AttachedLora}; the arrays never live on
 * the device between steps, which keeps checkpoints and resumes exact.
 */
public final class LoraParameters implements TrainableParameters {

    /**
     * One adapted projection.
     *
     * @param a (rank, in) row-major, PEFT's lora_A.weight
     * @param b (out, rank) row-major, PEFT's lora_B.weight
     */
    public record Factor(LoraTarget target, int rank, int in, int out, double scaling, float[] a, float[] b) {}

    private final List<Factor> factors; // in layer, then projection order
    private final PeftConfig peftConfig;

    private LoraParameters(List<Factor> factors, PeftConfig peftConfig) {
        this.factors = factors;
        this.peftConfig = peftConfig;
    }

    /**
     * A fresh adapter: A drawn uniformly in +-1/sqrt(in) (PEFT's kaiming-uniform with a = sqrt(5)), B zero, so
     * it starts out equal to the base model.
     */
    public static LoraParameters fresh(ModelConfig config, int rank, double alpha, Set<Projection> targets,
            boolean rslora, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double scaling = rslora ? alpha / Math.sqrt(rank) : alpha / rank;
        List<Factor> factors = new ArrayList<>();
        for (int l = 0; l < config.numLayers(); l++) {
            for (Projection p : Projection.values()) {
                if (!targets.contains(p)) {
                    continue;
                }
                int in = p.inDim(config);
                int out = p.outDim(config);
                float[] a = new float[rank * in];
                double bound = 1.0 / Math.sqrt(in);
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
                factors.add(new Factor(new LoraTarget(l, p), rank, in, out, scaling, a, new float[out * rank]));
            }
        }
        PeftConfig peft = PeftConfig.of(rank, alpha, targets, null).withRslora(rslora);
        return new LoraParameters(factors, peft);
    }

    /**
     * Continues a published adapter. Its shape (rank, alpha and their patterns, targets) is kept: a round refines
     * the adapter it starts from.
     */
    public static LoraParameters continuing(LoraAdapter adapter, PeftConfig config) {
        List<Factor> factors = new ArrayList<>();
        List<Map.Entry<LoraTarget, LoraFactor>> entries = new ArrayList<>(adapter.factors().entrySet());
        entries.sort(Comparator.comparing((Map.Entry<LoraTarget, LoraFactor> e) -> e.getKey().layer())
                .thenComparing(e -> e.getKey().projection()));
        for (var e : entries) {
            LoraFactor f = e.getValue();
            factors.add(new Factor(e.getKey(), f.rank(), f.in(), f.out(), f.scaling(), f.a().clone(), f.b().clone()));
        }
        return new LoraParameters(factors, config);
    }

    public List<Factor> factors() {
        return factors;
    }

    public PeftConfig peftConfig() {
        return peftConfig;
    }

    public long count() {
        return factors.stream().mapToLong(f -> (long) f.a.length + f.b.length).sum();
    }

    /** Every parameter array, A then B per factor: the order optimizer state and gradients follow. */
    @Override
    public List<float[]> arrays() {
        List<float[]> arrays = new ArrayList<>(factors.size() * 2);
        for (Factor f : factors) {
            arrays.add(f.a);
            arrays.add(f.b);
        }
        return arrays;
    }

    /** The factors as an {@link AttachedLora} on the frozen base model. */
    @Override
    public Attached attach(Transformer base, NDManager manager, double dropout, boolean withGradients) {
        AttachedLora lora = new AttachedLora(this, base.config(), manager, base.computeType(), dropout, withGradients);
        return new Attached() {
            @Override
            public Transformer model() {
                return base;
            }

            @Override
            public LoraDelta delta() {
                return lora;
            }

            @Override
            public void addGradients(List<float[]> into) {
                lora.addGradients(into);
            }
        };
    }

    /** A deep copy, e.g. as EWC's anchor. */
    public List<float[]> snapshot() {
        List<float[]> copy = new ArrayList<>();
        for (float[] p : arrays()) {
            copy.add(p.clone());
        }
        return copy;
    }

    /** The arrays under PEFT's tensor names (with a prefix), for checkpoints and trainer state files. */
    public Map<String, TensorData> tensors(String prefix, List<float[]> values) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        for (int i = 0; i < factors.size(); i++) {
            Factor f = factors.get(i);
            String path = f.target().projection().path(f.target().layer());
            out.put(prefix + path + ".lora_A.weight", TensorData.f32(values.get(2 * i), f.rank(), f.in()));
            out.put(prefix + path + ".lora_B.weight", TensorData.f32(values.get(2 * i + 1), f.out(), f.rank()));
        }
        return out;
    }

    /**
     * Reads arrays written by {@link #tensors} back into {@code into}; false when some tensor is missing or has
     * another size (state from an adapter of another shape).
     */
    public boolean readTensors(String prefix, Map<String, TensorData> tensors, List<float[]> into) {
        Map<String, TensorData> expected = tensors(prefix, into);
        for (var e : expected.entrySet()) {
            TensorData t = tensors.get(e.getKey());
            if (t == null || t.values().length != e.getValue().values().length) {
                return false;
            }
        }
        int i = 0;
        for (var e : expected.entrySet()) {
            System.arraycopy(tensors.get(e.getKey()).values(), 0, into.get(i), 0, into.get(i).length);
            i++;
        }
        return true;
    }

    /** The current weights as an engine adapter, for evaluation and publishing. */
    public LoraAdapter toAdapter(String name) {
        Map<LoraTarget, LoraFactor> out = new LinkedHashMap<>();
        for (Factor f : factors) {
            out.put(f.target(), new LoraFactor(f.rank(), f.in(), f.out(), f.scaling(), f.a().clone(), f.b().clone()));
        }
        return new LoraAdapter(name, out);
    }
}
