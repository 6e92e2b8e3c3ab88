package dev.scion.engine.store;

import dev.scion.engine.lora.PeftAdapter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The child process of {@link AdapterStoreCrashTest}: publishes, re-routes and deletes in a loop until it
 * is killed. Arguments: store root, run id, PEFT source folders (used in turn).
 */
public final class PublishLoop {

    private PublishLoop() {}

    public static void main(String[] args) throws Exception {
        AdapterStore store = AdapterStore.open(Path.of(args[0]), StoreFixtures.FINGERPRINT);
        String run = args[1];
        List<Path> sources = List.of(args).subList(2, args.length).stream().map(Path::of).toList();
        // A new name per run exercises creating the name folder under a kill as well.
        store.publish("run-" + run, sources.get(0), StoreFixtures.BASE, PublishSource.LOAD, Map.of(), 64);
        for (long i = 0; ; i++) {
            Path source = sources.get((int) (i % sources.size()));
            AdapterManifest m = store.publish("bot", source, StoreFixtures.BASE, PublishSource.TRAINER,
                    Map.of("run", run, "iteration", i), PeftAdapter.DEFAULT_MAX_RANK);
            store.setRouting("bot", new Routing(m.version(), null, 0, null, null));
            for (AdapterManifest old : store.versions("bot")) {
                if (old.version() < m.version() - 1) {
                    store.delete("bot", old.version());
                }
            }
            System.out.println("published " + m.id());
            System.out.flush();
        }
    }
}
