package dev.scion.engine.store;

import java.util.List;

/** One adapter name: its versions, ascending and never empty, and its routing. */
public record AdapterInfo(String name, List<AdapterManifest> versions, Routing routing) {
    public AdapterInfo {
        versions = List.copyOf(versions);
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("adapter " + name + " has no versions");
        }
    }

    public int latest() {
        return versions.get(versions.size() - 1).version();
    }
}
