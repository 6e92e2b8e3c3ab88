package dev.scion.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;

/** The JSONL layouts a data file may use; AUTO detects one per file from its first valid line. */
public enum DatasetFormat {
    /** {@code {"instruction", "input"?, "output", "system"?, "history"?: [[user, assistant], ...]}} */
    ALPACA("instruction"),
    /** {@code {"conversations": [{"from": "human"|"gpt"|"system", "value"}], "system"?}} */
    SHAREGPT("conversations"),
    /** OpenAI chat fine-tuning: {@code {"messages": [{"role", "content", "weight"?}]}} */
    OPENAI_MESSAGES("messages"),
    AUTO(null);

    private final String signatureField;

    DatasetFormat(String signatureField) {
        this.signatureField = signatureField;
    }

    /**
     * The format whose characteristic top-level field the object has, or null when it has none of them. A line with
     * the fields of two formats is ambiguous and also gives null, so AUTO never guesses.
     */
    static DatasetFormat detect(JsonNode line) {
        if (line == null || !line.isObject()) {
            return null;
        }
        DatasetFormat found = null;
        for (DatasetFormat format : values()) {
            if (format.signatureField != null && line.has(format.signatureField)) {
                if (found != null) {
                    return null;
                }
                found = format;
            }
        }
        return found;
    }

    /** The top-level field every line of this format has; null for AUTO. */
    String signatureField() {
        return signatureField;
    }
}
