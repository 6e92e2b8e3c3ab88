package dev.scion.engine.lora;

import dev.scion.engine.model.Projection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an adapter's {@code adapter_config.json} resolves to for the modules the adapter holds: each one's rank and
 * scaling. PEFT decides them with patterns ({@code target_modules} as a regex, {@code rank_pattern},
 * {@code alpha_pattern}); the store matches those once, when a version is published, and keeps the result in the
 * version's manifest, so that loading a version to serve it never runs them again.
 *
 * @param modules by module path ({@code model.layers.3.self_attn.q_proj}), in path order
 */
public record ResolvedModules(Map<String, Module> modules) {

    /** @param scaling alpha / rank, or alpha / sqrt(rank) with rsLoRA */
    public record Module(int rank, double scaling) {
        public Module {
            if (rank < 1) {
                throw new IllegalArgumentException("a module's rank must be 1 or more, got " + rank);
            }
            if (!Double.isFinite(scaling)) {
                throw new IllegalArgumentException("a module's scaling must be finite, got " + scaling);
            }
        }
    }

    public ResolvedModules {
        if (modules.isEmpty()) {
            throw new IllegalArgumentException("an adapter adapts at least one module");
        }
        for (String path : modules.keySet()) {
            if (target(path) == null) {
                throw new IllegalArgumentException(path + " is not a decoder projection (model.layers.N.self_attn"
                        + ".q_proj, ...)");
            }
        }
        modules = Collections.unmodifiableMap(new TreeMap<>(modules));
    }

    /** The adapted modules of an adapter as loaded: its factors carry the rank and scaling the config gave them. */
    public static ResolvedModules of(LoraAdapter adapter) {
        Map<String, Module> modules = new TreeMap<>();
        adapter.factors().forEach((t, f) -> modules.put(t.projection().path(t.layer()),
                new Module(f.rank(), f.scaling())));
        return new ResolvedModules(modules);
    }

    Module get(LoraTarget target) {
        return modules.get(target.projection().path(target.layer()));
    }

    /** The projection a module path names, or null. */
    static LoraTarget target(String path) {
        String[] parts = path.split("\\.");
        if (parts.length != 5 || !parts[0].equals("model") || !parts[1].equals("layers")
                || !parts[2].matches("0|[1-9][0-9]{0,8}")) {
            return null;
        }
        Projection p = Projection.fromModule(parts[4]);
        int layer = Integer.parseInt(parts[2]);
        return p != null && p.path(layer).equals(path) ? new LoraTarget(layer, p) : null;
    }
}
