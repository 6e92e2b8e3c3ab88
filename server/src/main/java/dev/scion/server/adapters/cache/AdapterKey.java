package dev.scion.server.adapters.cache;

import java.util.Objects;

/**
 * One published version of one adapter: what the cache holds and what a response reports as its
 * {@code model}, such as {@code support-bot@3}.
 */
public record AdapterKey(String name, int version) {
    public AdapterKey {
        Objects.requireNonNull(name, "adapter name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("adapter name must not be blank");
        }
        if (name.indexOf('@') >= 0) {
            // '@' separates name and version in a model id; a name holding one could not be parsed back
            throw new IllegalArgumentException("adapter name '" + name + "' must not contain '@'");
        }
        if (version < 1) {
            throw new IllegalArgumentException("adapter " + name + ": version must be 1 or more, got " + version);
        }
    }

    /** The id requests use to pin this version and responses use to report it: {@code name@version}. */
    public String modelId() {
        return name + "@" + version;
    }

    @Override
    public String toString() {
        return modelId();
    }
}
