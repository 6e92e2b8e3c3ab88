package dev.scion.trainer;

import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.PublishSource;
import dev.scion.engine.store.Routing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How a round's result enters the serving pool. The command line publishes into the store directly; the
 * server passes its own, so its audit log and metrics see trainer publishes like any other.
 */
@FunctionalInterface
public interface Publisher {

    /**
     * Publishes the PEFT folder (with the trainer's state file) as the adapter's next version.
     *
     * @param canaryPercent start it as a canary with this share; null to make it the stable version
     */
    AdapterManifest publish(String adapter, Path folder, Map<String, Object> metrics, Integer canaryPercent)
            throws IOException;

    /**
     * Publishes through {@link AdapterStore#publish}. For a canary, a stable side that follows "latest" is first
     * pinned to the current latest version, so the new version never serves as stable, not even for a moment.
     */
    static Publisher direct(AdapterStore store, ModelConfig base, PublishSource source) {
        return (adapter, folder, metrics, canaryPercent) -> {
            List<AdapterManifest> before = store.versions(adapter);
            boolean canary = canaryPercent != null && !before.isEmpty(); // a first version can only be stable
            Routing routing = before.isEmpty() ? Routing.LATEST : store.routing(adapter);
            if (canary && routing.stable() == null) {
                store.setRouting(adapter, new Routing(before.get(before.size() - 1).version(), routing.canary(),
                        routing.canaryPercent(), routing.sticky(), routing.autoRollback()));
                routing = store.routing(adapter);
            }
            AdapterManifest published = store.publish(adapter, folder, base, source, metrics,
                    PeftAdapter.DEFAULT_MAX_RANK);
            if (canary) {
                store.setRouting(adapter, new Routing(routing.stable(), published.version(), canaryPercent,
                        routing.sticky(), routing.autoRollback()));
            }
            return published;
        };
    }
}
