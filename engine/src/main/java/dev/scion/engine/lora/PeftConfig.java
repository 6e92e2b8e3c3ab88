package dev.scion.engine.lora;

import dev.scion.engine.model.Projection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of PEFT's {@code LoraConfig} that decide which projections are adapted and how strongly,
 * with PEFT's own matching rules so an adapter means here what it means in PEFT. Its patterns are matched in
 * linear time and bounded ({@link ModulePatterns}); a config beyond the bounds is refused when constructed.
 *
 * @param targetModules PEFT's list form: module names ({@code q_proj}) or full module paths; empty when
 *     {@code targetModulesRegex} is used
 * @param targetModulesRegex PEFT's string form, full-matched against the module path
 *     ({@code model.layers.3.self_attn.q_proj}); null when the list form is used
 * @param rankPattern per-module rank overrides in file order (the first matching key wins)
 * @param alphaPattern per-module alpha overrides in file order (the first matching key wins)
 * @param layersToTransform layers the list form applies to; empty means every layer
 * @param baseModelNameOrPath what the adapter was trained on; informational, may be null
 */
public record PeftConfig(
        int r,
        double loraAlpha,
        boolean useRslora,
        List<String> targetModules,
        String targetModulesRegex,
        Map<String, Integer> rankPattern,
        Map<String, Double> alphaPattern,
        List<Integer> layersToTransform,
        String baseModelNameOrPath) {

    public PeftConfig {
        targetModules = List.copyOf(targetModules);
        rankPattern = Collections.unmodifiableMap(new LinkedHashMap<>(rankPattern));
        alphaPattern = Collections.unmodifiableMap(new LinkedHashMap<>(alphaPattern));
        layersToTransform = List.copyOf(layersToTransform);
        if ((targetModulesRegex == null) == targetModules.isEmpty()) {
            throw new IllegalArgumentException("target_modules: give either a list of modules or one regex");
        }
        if (r <= 0) {
            throw new IllegalArgumentException("r must be positive, got " + r);
        }
        for (Map.Entry<String, Integer> e : rankPattern.entrySet()) {
            if (e.getValue() == null || e.getValue() <= 0) {
                throw new IllegalArgumentException("rank_pattern." + e.getKey() + " must be a positive integer");
            }
        }
        // refuses a pattern that cannot be matched in linear time within the bounds (the fields are not set yet)
        ModulePatterns.of(targetModulesRegex, rankPattern, alphaPattern);
    }

    /** A plain config: one rank and alpha for the given projections of every layer. */
    public static PeftConfig of(int r, double loraAlpha, Collection<Projection> targets, String baseModel) {
        List<String> modules = new ArrayList<>();
        for (Projection p : Projection.values()) {
            if (targets.contains(p)) {
                modules.add(p.module());
            }
        }
        return new PeftConfig(r, loraAlpha, false, modules, null, Map.of(), Map.of(), List.of(), baseModel);
    }

    public PeftConfig withRslora(boolean rslora) {
        return new PeftConfig(r, loraAlpha, rslora, targetModules, targetModulesRegex, rankPattern, alphaPattern,
                layersToTransform, baseModelNameOrPath);
    }

    /**
     * The config's patterns, checked and compiled ({@link ModulePatterns}). The methods below compile them on every
     * call; to match many modules, compile once and pass the result.
     */
    ModulePatterns patterns() {
        return ModulePatterns.of(targetModulesRegex, rankPattern, alphaPattern);
    }

    /** Whether PEFT would wrap this projection of this layer (its {@code check_target_module_exists}). */
    public boolean targets(int layer, Projection projection) {
        return targets(patterns(), layer, projection);
    }

    boolean targets(ModulePatterns patterns, int layer, Projection projection) {
        String path = projection.path(layer);
        if (targetModulesRegex != null) {
            return patterns.targetRegexMatches(path);
        }
        if (targetModules.contains(path)) {
            return true; // an exact path is taken as is, without the layer filter
        }
        boolean named = targetModules.stream().anyMatch(t -> path.endsWith("." + t));
        return named && (layersToTransform.isEmpty() || layersToTransform.contains(layer));
    }

    /** The rank PEFT gives the module at {@code path}: the first matching rank_pattern key, else r. */
    public int rankFor(String path) {
        return rankFor(patterns(), path);
    }

    int rankFor(ModulePatterns patterns, String path) {
        Integer rank = patterns.rankFor(path);
        return rank == null ? r : rank;
    }

    /** alpha / r, or alpha / sqrt(r) with rsLoRA, which keeps the update's scale stable as r grows. */
    public double scaling(String path) {
        return scaling(patterns(), path);
    }

    double scaling(ModulePatterns patterns, String path) {
        int rank = rankFor(patterns, path);
        Double alpha = patterns.alphaFor(path);
        return (alpha == null ? loraAlpha : alpha) / (useRslora ? Math.sqrt(rank) : rank);
    }
}
