package dev.scion.server.api.toolcalls;

import dev.scion.engine.text.Tokenizer;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The tool-call formats Scion parses, named as vLLM's {@code --tool-call-parser} names them, and how one is chosen
 * for a model: by the marker tokens its tokenizer has.
 */
public enum ToolCallFormat {
    HERMES("hermes", HermesSyntax::new),
    LLAMA3_JSON("llama3_json", Llama3JsonSyntax::new),
    MISTRAL("mistral", MistralSyntax::new),
    /** Tool calls are never parsed: the output is always content. */
    NONE("none", null);

    private final String settingName;
    private final Supplier<ToolCallSyntax> syntax;

    ToolCallFormat(String settingName, Supplier<ToolCallSyntax> syntax) {
        this.settingName = settingName;
        this.syntax = syntax;
    }

    public String settingName() {
        return settingName;
    }

    ToolCallSyntax syntax() {
        return syntax.get();
    }

    /** The format for a {@code --tool-call-parser} value: "auto" picks from the tokenizer (null: no tokenizer). */
    public static ToolCallFormat forSetting(String setting, Tokenizer tokenizer) {
        String name = setting.strip().toLowerCase(Locale.ROOT);
        if (name.equals("auto")) {
            return detect(tokenizer);
        }
        for (ToolCallFormat format : values()) {
            if (format.settingName.equals(name)) {
                return format;
            }
        }
        throw new IllegalArgumentException("must be auto, hermes, llama3_json, mistral or none, got '" + setting + "'");
    }

    /**
     * Qwen and Hermes tokenizers have {@code <tool_call>} as one token, Mistral's {@code [TOOL_CALLS]}, Llama 3.1+
     * {@code <|python_tag|>}. A tokenizer with none of them (the embedded tiny model, a model without tool training)
     * gets Hermes, the format most open models are trained on, and the one whose markers never occur by chance.
     */
    static ToolCallFormat detect(Tokenizer tokenizer) {
        if (tokenizer != null) {
            if (tokenizer.tokenId(HermesSyntax.START) != null) {
                return HERMES;
            }
            if (tokenizer.tokenId(MistralSyntax.MARKER) != null) {
                return MISTRAL;
            }
            if (tokenizer.tokenId(Llama3JsonSyntax.PYTHON_TAG) != null) {
                return LLAMA3_JSON;
            }
        }
        return HERMES;
    }
}
