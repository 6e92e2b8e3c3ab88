package dev.scion.engine.store;

import dev.scion.engine.lora.ResolvedModules;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@code manifest.json} says about one published version.
 *
 * @param sha256 file name to lower-case hex digest, for exactly the PEFT files of the version
 * @param sizeBytes the PEFT files' total size
 * @param rank the largest rank of any adapted projection
 * @param targets the adapted projections' module names ({@code q_proj}, ...) in layer order of the projections
 * @param baseFingerprint {@link AdapterStore#fingerprint} of the base model the version was validated against
 * @param metrics free-form JSON values (eval loss, training steps, ...), as they read back from JSON
 * @param modules each adapted module's rank and scaling, as the config's patterns resolved them at publish, so
 *     serving never matches them again; null for versions published before manifests kept them
 */
public record AdapterManifest(String name, int version, Map<String, String> sha256, long sizeBytes, int rank,
        List<String> targets, String baseFingerprint, Instant created, PublishSource source,
        Map<String, Object> metrics, ResolvedModules modules) {

    public AdapterManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(baseFingerprint, "baseFingerprint");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(source, "source");
        sha256 = Collections.unmodifiableMap(new TreeMap<>(sha256));
        targets = List.copyOf(targets);
        // Not Map.copyOf: metric values may be JSON null.
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** {@code name@version}, how the server names a pinned version. */
    public String id() {
        return name + "@" + version;
    }
}
