package dev.scion.trainer;

import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.AdapterStore;
import dev.scion.trainer.lora.LoraParameters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a round starts: a fresh adapter, or a published version's weights with the state it carries.
 *
 * @param version the version continued, or 0 for a fresh adapter
 * @param state the continued version's Fisher and moments (all null for a fresh adapter)
 */
record StartingPoint(int version, LoraParameters params, VersionState state) {

    /**
     * @param resumedStart the starting version recorded by the unfinished round being resumed, or null. A
     *     {@code latest} means the latest version when that round began: its own publish (a resume after a kill
     *     between the publish and the end of the round) or anyone else's may have made a newer one latest since,
     *     and a resume must continue from what its checkpoints were trained from.
     */
    static StartingPoint resolve(AdapterStore store, String adapter, ModelConfig config, TrainOptions o,
            Integer resumedStart) throws IOException {
        List<AdapterManifest> versions = store.versions(adapter);
        int version;
        if (o.from().equals("base")) {
            version = 0;
        } else if (o.from().equals("latest") && resumedStart != null) {
            version = resumedStart;
            if (version != 0) {
                store.resolve(adapter, version); // deleted since the round began: AdapterNotFoundException
            }
        } else if (o.from().equals("latest")) {
            version = versions.isEmpty() ? 0 : versions.get(versions.size() - 1).version();
        } else {
            version = Integer.parseInt(o.from());
            store.resolve(adapter, version); // AdapterNotFoundException names what exists
        }
        if (version == 0) {
            LoraParameters fresh = LoraParameters.fresh(config, o.rank(), o.alpha(), o.targets(), o.rslora(), o.seed());
            return new StartingPoint(0, fresh, new VersionState(null, null, null, 0));
        }
        Path folder = store.folder(adapter, version);
        LoraAdapter weights = PeftAdapter.load(folder, adapter, config);
        LoraParameters params = LoraParameters.continuing(weights, PeftAdapter.readConfig(folder));
        return new StartingPoint(version, params, VersionState.read(folder, params));
    }

    /** The version label for messages. */
    String describe(String adapter) {
        return version == 0 ? "a fresh adapter" : adapter + "@" + version;
    }
}
