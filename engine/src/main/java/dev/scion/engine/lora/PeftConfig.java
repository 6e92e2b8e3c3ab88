package dev.scion.engine.lora;

import dev.scion.engine.model.Projection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The parts of PEFT's {@code LoraConfig} that decide which projections are adapted and how strongly,
 * with PEFT's own matching rules so an adapter means here what it means in PEFT.
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
        if (targetModulesRegex != null) {
            compile("target_modules", targetModulesRegex);
        }
        for (Map.Entry<String, Integer> e : rankPattern.entrySet()) {
            compile("rank_pattern", keyPattern(e.getKey()));
            if (e.getValue() == null || e.getValue() <= 0) {
                throw new IllegalArgumentException("rank_pattern." + e.getKey() + " must be a positive integer");
            }
        }
        for (String key : alphaPattern.keySet()) {
            compile("alpha_pattern", keyPattern(key));
        }
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

    /** Whether PEFT would wrap this projection of this layer (its {@code check_target_module_exists}). */
    public boolean targets(int layer, Projection projection) {
        String path = projection.path(layer);
        if (targetModulesRegex != null) {
            return Pattern.compile(targetModulesRegex).matcher(path).matches();
        }
        if (targetModules.contains(path)) {
            return true; // an exact path is taken as is, without the layer filter
        }
        boolean named = targetModules.stream().anyMatch(t -> path.endsWith("." + t));
        return named && (layersToTransform.isEmpty() || layersToTransform.contains(layer));
    }

    /** The rank PEFT gives the module at {@code path}: the first matching rank_pattern key, else r. */
    public int rankFor(String path) {
        String key = firstMatchingKey(rankPattern.keySet(), path);
        return key == null ? r : rankPattern.get(key);
    }

    /** The alpha PEFT gives the module at {@code path}: the first matching alpha_pattern key, else lora_alpha. */
    public double alphaFor(String path) {
        String key = firstMatchingKey(alphaPattern.keySet(), path);
        return key == null ? loraAlpha : alphaPattern.get(key);
    }

    /** alpha / r, or alpha / sqrt(r) with rsLoRA, which keeps the update's scale stable as r grows. */
    public double scaling(String path) {
        int rank = rankFor(path);
        return alphaFor(path) / (useRslora ? Math.sqrt(rank) : rank);
    }

    /** PEFT's {@code get_pattern_key}: a key matches the path itself or any dotted suffix of it. */
    private static String firstMatchingKey(Collection<String> keys, String path) {
        for (String key : keys) {
            if (Pattern.compile(keyPattern(key)).matcher(path).matches()) {
                return key;
            }
        }
        return null;
    }

    private static String keyPattern(String key) {
        return "(.*\\.)?(" + key + ")$";
    }

    private static void compile(String field, String regex) {
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(field + ": invalid regular expression " + regex + ": "
                    + e.getDescription());
        }
    }
}
