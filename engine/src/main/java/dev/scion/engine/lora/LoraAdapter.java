package dev.scion.engine.lora;

import java.util.Map;

/**
 * A validated LoRA adapter in memory, independent of any runtime: what {@code PeftAdapter} reads
 * from disk, what the trainer produces, and what the runtime uploads onto its device.
 */
public record LoraAdapter(String name, Map<LoraTarget, LoraFactor> factors) {
    public LoraAdapter {
        factors = Map.copyOf(factors);
    }

    public long parameterCount() {
        return factors.values().stream().mapToLong(f -> (long) f.a().length + f.b().length).sum();
    }
}
