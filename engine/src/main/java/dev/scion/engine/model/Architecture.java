package dev.scion.engine.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The decoder-only families Scion loads. They share one forward pass; what differs is captured by
 * two switches so that a new family is a new constant, not a copy of the model code.
 */
public enum Architecture {
    LLAMA("LlamaForCausalLM", false, false),
    MISTRAL("MistralForCausalLM", false, false),
    /** Llama plus a bias on the q, k and v projections. */
    QWEN2("Qwen2ForCausalLM", true, false),
    /** Llama plus an RMSNorm over each head of q and k (q_norm, k_norm) and an explicit head_dim. */
    QWEN3("Qwen3ForCausalLM", false, true);

    private final String hfName;
    private final boolean qkvBias;
    private final boolean qkNorm;

    Architecture(String hfName, boolean qkvBias, boolean qkNorm) {
        this.hfName = hfName;
        this.qkvBias = qkvBias;
        this.qkNorm = qkNorm;
    }

    public String hfName() {
        return hfName;
    }

    public boolean qkvBias() {
        return qkvBias;
    }

    public boolean qkNorm() {
        return qkNorm;
    }

    /** Returns the architecture named by a {@code config.json} "architectures" entry, or null. */
    public static Architecture fromHfName(String name) {
        for (Architecture a : values()) {
            if (a.hfName.equals(name)) {
                return a;
            }
        }
        return null;
    }

    public static String supportedNames() {
        return Arrays.stream(values()).map(Architecture::hfName).collect(Collectors.joining(", "));
    }
}
