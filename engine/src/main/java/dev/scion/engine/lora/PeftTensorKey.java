package dev.scion.engine.lora;

import dev.scion.engine.model.Projection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name PEFT gives a LoRA weight in {@code adapter_model.safetensors}, such as
 * {@code base_model.model.model.layers.3.self_attn.q_proj.lora_A.weight} (older files keep the
 * adapter name: {@code lora_A.default.weight}).
 *
 * @param isA true for lora_A (down-projection, (rank, in)), false for lora_B ((out, rank))
 */
record PeftTensorKey(int layer, Projection projection, boolean isA) {

    private static final String PREFIX = "base_model.model.";

    private static final Pattern KEY = Pattern.compile(
            "base_model\\.model\\.model\\.layers\\.(0|[1-9][0-9]{0,8})\\.(self_attn|mlp)\\.([a-z_]+)"
                    + "\\.lora_(A|B)(\\.default)?\\.weight");

    /** Parses a key; null when it is not a LoRA weight of one of the seven decoder projections. */
    static PeftTensorKey parse(String name) {
        Matcher m = KEY.matcher(name);
        if (!m.matches()) {
            return null;
        }
        Projection p = Projection.fromModule(m.group(3));
        int layer = Integer.parseInt(m.group(1));
        if (p == null || !p.path(layer).equals("model.layers." + layer + "." + m.group(2) + "." + m.group(3))) {
            return null; // e.g. mlp.q_proj: a module name under the wrong block
        }
        return new PeftTensorKey(layer, p, m.group(4).equals("A"));
    }

    LoraTarget target() {
        return new LoraTarget(layer, projection);
    }

    /** The key PEFT writes today (without the adapter name). */
    static String name(LoraTarget target, boolean isA) {
        return PREFIX + target.projection().path(target.layer()) + (isA ? ".lora_A.weight" : ".lora_B.weight");
    }
}
