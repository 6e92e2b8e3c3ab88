package dev.scion.engine.lora;

import dev.scion.engine.model.ModelFormatException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where a load finds each adapted module's rank and scaling: the config's patterns, compiled once and matched once
 * per module, or the modules the store resolved when the version was published.
 */
interface ModuleRules {

    /** The module's rank and scaling, or null when the adapter's configuration does not adapt it. */
    ResolvedModules.Module module(LoraTarget target);

    /** What selects the modules, for messages. */
    String source();

    /** Refuses a load that lacks a module the rules say the adapter has. */
    void checkAllPresent(Set<LoraTarget> loaded, Path weights);

    static ModuleRules of(PeftConfig config) {
        ModulePatterns patterns = config.patterns();
        Map<LoraTarget, ResolvedModules.Module> seen = new HashMap<>(); // lora_A and lora_B: one match per module
        return new ModuleRules() {
            @Override
            public ResolvedModules.Module module(LoraTarget t) {
                return seen.computeIfAbsent(t, k -> {
                    if (!config.targets(patterns, t.layer(), t.projection())) {
                        return null;
                    }
                    String path = t.projection().path(t.layer());
                    return new ResolvedModules.Module(config.rankFor(patterns, path), config.scaling(patterns, path));
                });
            }

            @Override
            public String source() {
                return "target_modules/layers_to_transform of " + PeftConfigJson.FILE_NAME;
            }

            @Override
            public void checkAllPresent(Set<LoraTarget> loaded, Path weights) {
                // a config may select modules the adapter holds no weights for: PEFT leaves those unadapted
            }
        };
    }

    /** @throws ModelFormatException a module's rank beyond {@code maxRank} (a server restarted with a lower one) */
    static ModuleRules resolved(ResolvedModules resolved, Path dir, int maxRank) {
        resolved.modules().forEach((path, module) -> {
            if (module.rank() > maxRank) {
                throw new ModelFormatException(dir + ": " + path + " has rank " + module.rank()
                        + ", more than the maximum rank " + maxRank);
            }
        });
        return new ModuleRules() {
            @Override
            public ResolvedModules.Module module(LoraTarget target) {
                return resolved.get(target);
            }

            @Override
            public String source() {
                return "the modules resolved from " + PeftConfigJson.FILE_NAME + " when the version was published";
            }

            @Override
            public void checkAllPresent(Set<LoraTarget> loaded, Path weights) {
                for (String path : resolved.modules().keySet()) {
                    if (!loaded.contains(ResolvedModules.target(path))) {
                        throw new ModelFormatException(weights + ": " + path + " was adapted when the version was"
                                + " published, but the file holds no weights for it");
                    }
                }
            }
        };
    }
}
