package dev.scion.engine.reference;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraFactor;
import dev.scion.engine.lora.LoraTarget;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.model.RopeScaling;
import dev.scion.engine.weights.WeightSource;
import java.util.EnumMap;
import java.util.Map;

/**
 * An independent oracle for the runtime's forward pass: Hugging Face's LlamaForCausalLM,
 * MistralForCausalLM, Qwen2ForCausalLM and Qwen3ForCausalLM in float32, written as plain loops from
 * the transformers semantics, with no KV cache and no batching; every call recomputes everything.
 * It reads all weights onto the heap when constructed, so it is meant for tiny models only.
 *
 * <p>A LoRA adapter, when given, adds {@code scaling * B (A x)} to the output of each adapted
 * projection, as PEFT does at inference (no dropout, base weight unmerged).
 */
public final class ReferenceModel {

    private final ModelConfig config;
    private final float[] embedding; // (vocab, hidden)
    private final float[] lmHead; // (vocab, hidden); the embedding itself when tied
    private final float[] finalNorm; // (hidden)
    private final Layer[] layers;
    private final double[] invFreq; // (headDim / 2)

    /** Weights of one decoder layer; the bias and q/k norm fields are null where the architecture has none. */
    private static final class Layer {
        float[] inputNorm; // (hidden)
        float[] postAttentionNorm; // (hidden)
        final Map<Projection, float[]> weights = new EnumMap<>(Projection.class); // each (out, in)
        final Map<Projection, float[]> biases = new EnumMap<>(Projection.class); // Q, K, V: (out)
        float[] qNorm; // (headDim)
        float[] kNorm; // (headDim)
        final Map<Projection, LoraFactor> lora = new EnumMap<>(Projection.class);
    }

    public ReferenceModel(ModelConfig config, WeightSource weights) {
        this(config, weights, null);
    }

    /** @param adapter may be null; its factors must fit this config's layers and projection dims */
    public ReferenceModel(ModelConfig config, WeightSource weights, LoraAdapter adapter) {
        this.config = config;
        int hidden = config.hiddenSize();
        this.embedding = read(weights, "model.embed_tokens.weight", (long) config.vocabSize() * hidden);
        this.lmHead = config.tieWordEmbeddings()
                ? embedding
                : read(weights, "lm_head.weight", (long) config.vocabSize() * hidden);
        this.finalNorm = read(weights, "model.norm.weight", hidden);
        this.layers = new Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = readLayer(weights, i);
        }
        if (adapter != null) {
            attach(adapter);
        }
        this.invFreq = RopeScaling.inverseFrequencies(config.headDim(), config.ropeTheta(), config.ropeScaling());
    }

    public ModelConfig config() {
        return config;
    }

    private Layer readLayer(WeightSource weights, int i) {
        ModelConfig c = config;
        String prefix = "model.layers." + i + ".";
        Layer layer = new Layer();
        layer.inputNorm = read(weights, prefix + "input_layernorm.weight", c.hiddenSize());
        layer.postAttentionNorm = read(weights, prefix + "post_attention_layernorm.weight", c.hiddenSize());
        for (Projection p : Projection.values()) {
            layer.weights.put(p, read(weights, p.path(i) + ".weight", (long) p.outDim(c) * p.inDim(c)));
        }
        if (c.qkvBias()) {
            for (Projection p : new Projection[] {Projection.Q, Projection.K, Projection.V}) {
                layer.biases.put(p, read(weights, p.path(i) + ".bias", p.outDim(c)));
            }
        }
        if (c.architecture().qkNorm()) {
            layer.qNorm = read(weights, prefix + "self_attn.q_norm.weight", c.headDim());
            layer.kNorm = read(weights, prefix + "self_attn.k_norm.weight", c.headDim());
        }
        return layer;
    }

    private static float[] read(WeightSource weights, String name, long expected) {
        float[] values = weights.floats(name);
        if (values.length != expected) {
            throw new IllegalArgumentException("tensor " + name + " has " + values.length + " values, expected "
                    + expected);
        }
        return values;
    }

    private void attach(LoraAdapter adapter) {
        for (Map.Entry<LoraTarget, LoraFactor> e : adapter.factors().entrySet()) {
            LoraTarget target = e.getKey();
            LoraFactor f = e.getValue();
            Projection p = target.projection();
            if (target.layer() < 0 || target.layer() >= layers.length) {
                throw new IllegalArgumentException("adapter " + adapter.name() + " targets layer " + target.layer()
                        + " of a " + layers.length + "-layer model");
            }
            if (f.in() != p.inDim(config) || f.out() != p.outDim(config)) {
                throw new IllegalArgumentException("adapter " + adapter.name() + " factor for " + p.path(target.layer())
                        + " is (" + f.out() + " x " + f.in() + "), the projection is (" + p.outDim(config) + " x "
                        + p.inDim(config) + ")");
            }
            layers[target.layer()].lora.put(p, f);
        }
    }

    /**
     * Logits for every position of one sequence.
     *
     * @return (tokens.length, vocab): row t scores the token that follows tokens[0..t]
     */
    public float[][] logits(int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("need at least one token");
        }
        int hidden = config.hiddenSize();
        float[][] x = new float[tokens.length][];
        for (int t = 0; t < tokens.length; t++) {
            int id = tokens[t];
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("token " + id + " at position " + t + " is outside the vocabulary of "
                        + config.vocabSize());
            }
            x[t] = new float[hidden];
            System.arraycopy(embedding, id * hidden, x[t], 0, hidden);
        }
        for (Layer layer : layers) {
            x = decoderLayer(layer, x);
        }
        float[][] logits = new float[tokens.length][];
        for (int t = 0; t < tokens.length; t++) {
            float[] normed = ReferenceOps.rmsNorm(x[t], finalNorm, config.rmsNormEps());
            logits[t] = ReferenceOps.linear(lmHead, config.vocabSize(), hidden, normed);
        }
        return logits;
    }

    /**
     * Greedy decoding by full recomputation: appends the argmax token {@code newTokens} times.
     * End-of-sequence ids are not treated specially, so callers that stop at EOS cut the result
     * after the first one.
     *
     * @return only the generated tokens, {@code newTokens} of them
     */
    public int[] greedy(int[] prompt, int newTokens) {
        int[] sequence = new int[prompt.length + newTokens];
        System.arraycopy(prompt, 0, sequence, 0, prompt.length);
        for (int n = 0; n < newTokens; n++) {
            int length = prompt.length + n;
            int[] soFar = new int[length];
            System.arraycopy(sequence, 0, soFar, 0, length);
            float[][] logits = logits(soFar);
            sequence[length] = ReferenceOps.argmax(logits[length - 1]);
        }
        int[] generated = new int[newTokens];
        System.arraycopy(sequence, prompt.length, generated, 0, newTokens);
        return generated;
    }

    private float[][] decoderLayer(Layer layer, float[][] x) {
        ModelConfig c = config;
        int seq = x.length;
        float[][] q = new float[seq][];
        float[][] k = new float[seq][];
        float[][] v = new float[seq][];
        for (int t = 0; t < seq; t++) {
            float[] normed = ReferenceOps.rmsNorm(x[t], layer.inputNorm, c.rmsNormEps());
            float[] qt = project(layer, Projection.Q, normed);
            float[] kt = project(layer, Projection.K, normed);
            if (layer.qNorm != null) {
                // Qwen3 normalises each head before the rotation.
                qt = ReferenceOps.rmsNormPerHead(qt, c.numHeads(), c.headDim(), layer.qNorm, c.rmsNormEps());
                kt = ReferenceOps.rmsNormPerHead(kt, c.numKvHeads(), c.headDim(), layer.kNorm, c.rmsNormEps());
            }
            q[t] = ReferenceOps.rope(qt, c.numHeads(), c.headDim(), t, invFreq);
            k[t] = ReferenceOps.rope(kt, c.numKvHeads(), c.headDim(), t, invFreq);
            v[t] = project(layer, Projection.V, normed);
        }
        float[][] attention = ReferenceOps.causalAttention(q, k, v, c.numHeads(), c.numKvHeads(), c.headDim());
        float[][] out = new float[seq][];
        for (int t = 0; t < seq; t++) {
            float[] h = ReferenceOps.add(x[t], project(layer, Projection.O, attention[t]));
            float[] normed = ReferenceOps.rmsNorm(h, layer.postAttentionNorm, c.rmsNormEps());
            float[] gated = ReferenceOps.swiglu(project(layer, Projection.GATE, normed),
                    project(layer, Projection.UP, normed));
            out[t] = ReferenceOps.add(h, project(layer, Projection.DOWN, gated));
        }
        return out;
    }

    /** One projection: base weight, its bias if any, plus the adapter's low-rank update if it has one here. */
    private float[] project(Layer layer, Projection p, float[] input) {
        int out = p.outDim(config);
        int in = p.inDim(config);
        float[] y = ReferenceOps.linear(layer.weights.get(p), layer.biases.get(p), out, in, input);
        LoraFactor f = layer.lora.get(p);
        if (f != null) {
            float[] down = ReferenceOps.linear(f.a(), f.rank(), in, input);
            float[] up = ReferenceOps.linear(f.b(), out, f.rank(), down);
            for (int o = 0; o < out; o++) {
                y[o] += (float) (f.scaling() * up[o]);
            }
        }
        return y;
    }
}
