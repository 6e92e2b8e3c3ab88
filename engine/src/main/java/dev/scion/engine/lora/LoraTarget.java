package dev.scion.engine.lora;

import dev.scion.engine.model.Projection;

/** One projection of one layer. */
public record LoraTarget(int layer, Projection projection) {}
