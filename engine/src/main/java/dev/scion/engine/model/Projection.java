package dev.scion.engine.model;

/** The seven linear projections of a decoder layer that LoRA may target, with their HF module names. */
public enum Projection {
    Q("self_attn", "q_proj"),
    K("self_attn", "k_proj"),
    V("self_attn", "v_proj"),
    O("self_attn", "o_proj"),
    GATE("mlp", "gate_proj"),
    UP("mlp", "up_proj"),
    DOWN("mlp", "down_proj");

    private final String block;
    private final String module;

    Projection(String block, String module) {
        this.block = block;
        this.module = module;
    }

    /** The PEFT/transformers module name, such as {@code q_proj}. */
    public String module() {
        return module;
    }

    /** The checkpoint path of this projection in one layer, such as {@code model.layers.3.self_attn.q_proj}. */
    public String path(int layer) {
        return "model.layers." + layer + "." + block + "." + module;
    }

    public int inDim(ModelConfig c) {
        return switch (this) {
            case Q, K, V, GATE, UP -> c.hiddenSize();
            case O -> c.qDim();
            case DOWN -> c.intermediateSize();
        };
    }

    public int outDim(ModelConfig c) {
        return switch (this) {
            case Q -> c.qDim();
            case K, V -> c.kvDim();
            case O, DOWN -> c.hiddenSize();
            case GATE, UP -> c.intermediateSize();
        };
    }

    /** Parses a module name such as {@code q_proj}; null when it is not one of the seven. */
    public static Projection fromModule(String module) {
        for (Projection p : values()) {
            if (p.module.equals(module)) {
                return p;
            }
        }
        return null;
    }
}
