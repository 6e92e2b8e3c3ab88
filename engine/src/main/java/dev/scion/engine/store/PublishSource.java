package dev.scion.engine.store;

import java.util.Locale;

/** How a version reached the store; recorded in its manifest as the lower-case name. */
public enum PublishSource {
    /** {@code POST /v1/adapters}. */
    UPLOAD,
    /** A trainer round. */
    TRAINER,
    /** vLLM's {@code load_lora_adapter} from a folder on the server. */
    LOAD;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #jsonName()}; null when the text is none of them. */
    public static PublishSource fromJsonName(String text) {
        for (PublishSource s : values()) {
            if (s.jsonName().equals(text)) {
                return s;
            }
        }
        return null;
    }
}
