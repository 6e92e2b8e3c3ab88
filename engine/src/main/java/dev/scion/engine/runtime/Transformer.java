package dev.scion.engine.runtime;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.RopeScaling;
import dev.scion.engine.weights.WeightSource;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The loaded base model: immutable weights on one device, shared by every sequence, adapter and
 * training job. All per-sequence state lives elsewhere ({@link KvCache} slots, samplers, adapter
 * leases); {@link #forward} runs one batched step over any mix of prefill and decode chunks.
 */
public final class Transformer implements AutoCloseable {
    private final ModelConfig config;
    private final NDManager manager;
    private final DataType computeType;
    private final NDArray embedding; // (vocab, hidden)
    private final NDArray lmHead; // (hidden, vocab), or null when tied to the embedding
    private final NDArray finalNorm; // (hidden)
    private final LayerWeights[] layers;
    private final NDArray ropeCos; // (maxPositions, headDim / 2)
    private final NDArray ropeSin; // (maxPositions, headDim / 2)
    private final int maxPositions;
    private final boolean ownsWeights; // false for a view over someone else's arrays (withWeights)

    private Transformer(ModelConfig config, NDManager manager, DataType computeType, NDArray embedding,
            NDArray lmHead, NDArray finalNorm, LayerWeights[] layers, NDArray ropeCos, NDArray ropeSin,
            int maxPositions, boolean ownsWeights) {
        this.config = config;
        this.manager = manager;
        this.computeType = computeType;
        this.embedding = embedding;
        this.lmHead = lmHead;
        this.finalNorm = finalNorm;
        this.layers = layers;
        this.ropeCos = ropeCos;
        this.ropeSin = ropeSin;
        this.maxPositions = maxPositions;
        this.ownsWeights = ownsWeights;
    }

    /**
     * Copies every tensor onto the device, checking names and shapes; on any failure everything
     * already copied is freed and the error (naming file and tensor) propagates, so a half-loaded
     * model is never served.
     */
    public static Transformer load(ModelConfig config, WeightSource weights, RuntimeOptions options) {
        Device device = options.resolveDevice();
        DataType type = options.computeType();
        if (type == DataType.BFLOAT16 && !device.isGpu()) {
            // Measured: any bfloat16 tensor in DJL 0.35.1's CPU libtorch aborts the JVM natively.
            throw new IllegalArgumentException("bfloat16 compute is not available on the CPU with this libtorch build; "
                    + "use --dtype float32 or float16 (bfloat16 checkpoints load fine and are converted)");
        }
        NDManager manager = NDManager.newBaseManager(device);
        try {
            WeightLoader loader = new WeightLoader(config, weights, manager, type);
            LayerWeights[] layers = new LayerWeights[config.numLayers()];
            for (int l = 0; l < layers.length; l++) {
                layers[l] = loader.layer(l);
            }
            int maxPositions = options.maxContext() > 0
                    ? Math.min(options.maxContext(), config.maxPositionEmbeddings())
                    : config.maxPositionEmbeddings();
            NDArray[] rope = ropeTables(config, maxPositions, manager, type);
            Transformer model = new Transformer(config, manager, type, loader.embedding(), loader.lmHead(),
                    loader.finalNorm(), layers, rope[0], rope[1], maxPositions, true);
            // Loading went through gigabytes of direct and mapped buffers (each projection is copied into
            // its fused, transposed layout). Java frees those only when a GC happens to run, which left
            // the process at twice the model's size and made a later step pay for the clean-up. One
            // collection here releases them while nothing latency-sensitive is running.
            System.gc();
            return model;
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    /**
     * The same model (config, compute type, positions, RoPE tables) running on other base weights: arrays under
     * Hugging Face's tensor names and layout, every tensor of a checkpoint of this config, in the compute type.
     * This is how full-parameter training runs a forward on weights that require gradients: the runtime layout
     * (transposed, q/k/v and gate/up fused) is built from them with differentiable operations and nothing is
     * freed, so gradients reach the given arrays. The view's arrays belong to the given arrays' manager; closing
     * the view frees nothing (close that manager instead).
     */
    public Transformer withWeights(java.util.Map<String, NDArray> hfWeights) {
        WeightLoader loader = WeightLoader.ofArrays(config, hfWeights);
        LayerWeights[] viewLayers = new LayerWeights[config.numLayers()];
        for (int l = 0; l < viewLayers.length; l++) {
            viewLayers[l] = loader.layer(l);
        }
        return new Transformer(config, manager, computeType, loader.embedding(), loader.lmHead(), loader.finalNorm(),
                viewLayers, ropeCos, ropeSin, maxPositions, false);
    }

    /** cos and sin of position * inverse frequency, in float32 as Hugging Face computes them. */
    private static NDArray[] ropeTables(ModelConfig c, int positions, NDManager manager, DataType type) {
        double[] inv = RopeScaling.inverseFrequencies(c.headDim(), c.ropeTheta(), c.ropeScaling());
        int half = inv.length;
        float[] cos = new float[positions * half];
        float[] sin = new float[positions * half];
        for (int p = 0; p < positions; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) p * (float) inv[i];
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        Shape shape = new Shape(positions, half);
        return new NDArray[] {Tensors.inType(manager.create(cos, shape), type),
            Tensors.inType(manager.create(sin, shape), type)};
    }

    public ModelConfig config() {
        return config;
    }

    public NDManager manager() {
        return manager;
    }

    public DataType computeType() {
        return computeType;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** Longest sequence this instance has positions for. */
    public int maxPositions() {
        return maxPositions;
    }

    /** Parameter count of the base weights. */
    public long parameterCount() {
        long n = embedding.size() + finalNorm.size() + (lmHead == null ? 0 : lmHead.size());
        for (LayerWeights w : layers) {
            for (NDArray x : new NDArray[] {w.inputNorm(), w.qkv(), w.qkvBias(), w.qNorm(), w.kNorm(), w.o(),
                    w.postNorm(), w.gateUp(), w.down()}) {
                n += x == null ? 0 : x.size();
            }
        }
        return n;
    }

    /**
     * One batched step: writes every chunk's keys and values into its cache slot and returns, for
     * each chunk in order, the logits after its last token (one row of vocab floats per chunk).
     */
    public StepLogits forward(List<SequenceChunk> chunks, KvCache cache, LoraBatch lora) {
        StepLayout step = StepLayout.of(chunks, cache, lora, config.vocabSize(), maxPositions);
        try (NDScope scope = new NDScope()) {
            NDArray ids = manager.create(step.tokenIds());
            NDArray x = embedding.get(new NDIndex("{}", ids)); // (rows, hidden)
            NDArray positions = manager.create(step.positions());
            NDArray cos = ropeCos.get(new NDIndex("{}", positions)).expandDims(1); // (rows, 1, headDim/2)
            NDArray sin = ropeSin.get(new NDIndex("{}", positions)).expandDims(1);
            NDArray flat = manager.create(step.flatIndices());
            LoraBatch.Step adapters = lora.step(step.rowAdapters(), manager);
            Attention attention = new Attention(config, cache, step, manager, computeType);
            AttentionStep cached = (l, q, k, v) -> {
                attention.cache().write(l, flat, k, v);
                return attention.apply(l, q);
            };
            x = layers(x, cos, sin, cached, adapters);
            NDArray last;
            try {
                last = x.get(new NDIndex("{}", manager.create(step.lastRows())));
            } finally {
                x.close();
            }
            NDArray logits = rmsNorm(last, finalNorm).matMul(lmHead != null ? lmHead : embedding.transpose());
            if (computeType != DataType.FLOAT32) {
                logits = logits.toType(DataType.FLOAT32, false);
            }
            // Read the tensor's memory in place: toFloatArray() would first copy it into a fresh direct
            // buffer per step, which Java frees only at a GC, so resident memory crept up by gigabytes.
            float[] all = new float[chunks.size() * config.vocabSize()];
            logits.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(all);
            scope.suppressNotUsedWarning();
            return new StepLogits(all, config.vocabSize());
        }
    }

    /**
     * Teacher-forced forward over whole sequences, for training and scoring: no KV cache, each sequence
     * attends causally to itself. Padding must sit at the end of a row (it then never reaches a real
     * token). Returns the final-normed hidden states, (batch * length, hidden), owned by the caller's
     * scope and to the manager of {@code tokenIds}; gradients flow into whatever arrays of {@code lora} require them.
     *
     * @param tokenIds (batch, length) int64 or int32 token ids
     * @param recordingGradients true when a backward pass will follow: every intermediate then stays in the
     *     caller's scope until it ends, because a DJL tensor built from a Java buffer (a mask, a constant) frees
     *     that buffer with its handle while the autograd graph may still read it (measured: random NaN
     *     gradients). The same holds for {@code mul(Number)}-style operands, so the training path avoids them.
     */
    public NDArray sequenceHidden(NDArray tokenIds, LoraDelta lora, boolean recordingGradients) {
        Shape shape = tokenIds.getShape();
        int batch = (int) shape.get(0);
        int length = (int) shape.get(1);
        if (length > maxPositions) {
            throw new IllegalArgumentException("sequence length " + length + " exceeds the model's " + maxPositions
                    + " positions");
        }
        NDArray x = embedding.get(new NDIndex("{}", tokenIds.reshape(-1))); // (batch * length, hidden)
        NDManager local = tokenIds.getManager(); // what this call creates belongs to the caller, not to the model
        NDArray positions = local.arange(0, length).tile(batch); // (batch * length)
        NDArray cos = ropeCos.get(new NDIndex("{}", positions)).expandDims(1); // (rows, 1, headDim/2)
        NDArray sin = ropeSin.get(new NDIndex("{}", positions)).expandDims(1);
        CausalAttention attention = new CausalAttention(config, batch, length, local, computeType);
        NDArray last = recordingGradients ? layersInOneScope(x, cos, sin, attention, lora)
                : layers(x, cos, sin, attention, lora);
        return rmsNorm(last, finalNorm);
    }

    /** Logits for hidden states from {@link #sequenceHidden}: (rows, hidden) to (rows, vocab), in float32. */
    public NDArray logits(NDArray hidden) {
        NDArray logits = hidden.matMul(lmHead != null ? lmHead : embedding.transpose());
        return computeType == DataType.FLOAT32 ? logits : logits.toType(DataType.FLOAT32, false);
    }

    /**
     * Runs every layer, each in its own scope so its intermediates are freed as soon as it ends
     * (holding all layers' until the step ends cost about 4 MB per prompt token on the 0.5B shape).
     * Returns the last hidden state, which the caller must close.
     */
    private NDArray layers(NDArray x, NDArray cos, NDArray sin, AttentionStep attention, LoraDelta adapters) {
        NDArray current = x;
        for (int l = 0; l < layers.length; l++) {
            NDArray next;
            try (NDScope layerScope = new NDScope()) {
                next = layer(l, current, cos, sin, attention, adapters);
                NDScope.unregister(next);
                layerScope.suppressNotUsedWarning();
            } catch (RuntimeException | Error e) {
                if (current != x) {
                    current.close();
                }
                throw e;
            }
            if (current != x) {
                current.close(); // the previous layer's output, unregistered from its scope
            }
            current = next;
        }
        return current;
    }

    private NDArray layersInOneScope(NDArray x, NDArray cos, NDArray sin, AttentionStep attention, LoraDelta lora) {
        NDArray current = x;
        for (int l = 0; l < layers.length; l++) {
            current = layer(l, current, cos, sin, attention, lora);
        }
        return current;
    }

    private NDArray layer(int l, NDArray x, NDArray cos, NDArray sin, AttentionStep attention, LoraDelta lora) {
        LayerWeights w = layers[l];
        int rows = (int) x.getShape().get(0);
        NDArray h = rmsNorm(x, w.inputNorm());
        NDArray qkv = project(h, w.qkv(), lora, l, FusedProjection.QKV);
        if (w.qkvBias() != null) {
            qkv = qkv.add(w.qkvBias());
        }
        NDList parts = qkv.split(new long[] {config.qDim(), config.qDim() + config.kvDim()}, 1);
        NDArray q = parts.get(0).reshape(rows, config.numHeads(), config.headDim());
        NDArray k = parts.get(1).reshape(rows, config.numKvHeads(), config.headDim());
        NDArray v = parts.get(2).reshape(rows, config.numKvHeads(), config.headDim());
        if (w.qNorm() != null) {
            q = rmsNorm(q, w.qNorm());
            k = rmsNorm(k, w.kNorm());
        }
        q = rotate(q, cos, sin);
        k = rotate(k, cos, sin);
        NDArray attended = attention.attend(l, q, k, v); // (rows, heads * headDim)
        x = x.add(project(attended, w.o(), lora, l, FusedProjection.O));
        NDArray h2 = rmsNorm(x, w.postNorm());
        NDList gateUp = project(h2, w.gateUp(), lora, l, FusedProjection.GATE_UP)
                .split(new long[] {config.intermediateSize()}, 1);
        NDArray gate = gateUp.get(0);
        NDArray act = gate.mul(Activation.sigmoid(gate)).mul(gateUp.get(1));
        return x.add(project(act, w.down(), lora, l, FusedProjection.DOWN));
    }

    private static NDArray project(NDArray x, NDArray weight, LoraDelta lora, int layer, FusedProjection g) {
        NDArray y = x.matMul(weight);
        NDArray delta = lora.delta(layer, g, x);
        return delta == null ? y : y.add(delta);
    }

    /** RMSNorm over the last axis, computed in float32 as Hugging Face does, then scaled by the weight. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray x32 = computeType == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        NDArray variance = x32.square().mean(new int[] {-1}, true);
        // A division, not pow(-1): DJL passes a scalar operand as a tensor it frees right after the call, and
        // a backward pass through pow would read that freed exponent (garbage, sometimes NaN, gradients).
        NDArray normed = x32.div(variance.add(config.rmsNormEps()).sqrt());
        if (computeType != DataType.FLOAT32) {
            normed = normed.toType(computeType, false);
        }
        return normed.mul(weight);
    }

    /** RoPE in Hugging Face's rotate_half convention: dimension i pairs with i + headDim/2. */
    private NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
        long half = config.headDim() / 2;
        NDList halves = x.split(new long[] {half}, 2);
        NDArray x1 = halves.get(0);
        NDArray x2 = halves.get(1);
        return NDArrays.concat(new NDList(x1.mul(cos).sub(x2.mul(sin)), x2.mul(cos).add(x1.mul(sin))), 2);
    }

    @Override
    public void close() {
        if (ownsWeights) {
            manager.close();
        }
    }
}
