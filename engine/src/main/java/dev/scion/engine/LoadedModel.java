package dev.scion.engine;

import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.runtime.Transformer;
import dev.scion.engine.text.Tokenizer;
import dev.scion.engine.text.template.ChatTemplate;
import dev.scion.engine.weights.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint folder loaded for use: the shared transformer plus, when the folder has them, its
 * tokenizer and chat template (a folder without tokenizer files still serves token ids).
 */
public record LoadedModel(Path dir, ModelConfig config, Transformer transformer, Tokenizer tokenizer,
        ChatTemplate chatTemplate) implements AutoCloseable {

    public static LoadedModel open(Path dir, RuntimeOptions options) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(dir + ": not a checkpoint folder");
        }
        ModelConfig config = ModelConfig.load(dir);
        Tokenizer tokenizer = null;
        Path tokenizerFile = dir.resolve("tokenizer.json");
        if (Files.isRegularFile(tokenizerFile)) {
            tokenizer = Tokenizer.load(tokenizerFile);
            if (tokenizer.vocabSize() > config.vocabSize()) {
                int size = tokenizer.vocabSize();
                tokenizer.close();
                throw new ModelFormatException(tokenizerFile + ": the tokenizer has " + size
                        + " tokens but config.json's vocab_size is " + config.vocabSize());
            }
        }
        ChatTemplate template = null;
        Path tokenizerConfig = dir.resolve("tokenizer_config.json");
        if (Files.isRegularFile(tokenizerConfig) && tokenizer != null) {
            template = ChatTemplate.fromTokenizerConfig(tokenizerConfig);
        }
        try (Checkpoint weights = Checkpoint.open(dir)) {
            return new LoadedModel(dir, config, Transformer.load(config, weights, options), tokenizer, template);
        } catch (RuntimeException | IOException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            throw e;
        }
    }

    /** Renders a conversation with the model's chat template and tokenizes it. */
    public int[] encodeChat(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
            boolean addGenerationPrompt, Map<String, Object> extra) {
        return requireTokenizer().encode(renderChat(messages, tools, addGenerationPrompt, extra));
    }

    /**
     * The same for a prompt that must fit in {@code maxTokens} (see {@link Tokenizer#encode(String, int)}).
     *
     * @throws dev.scion.engine.text.TextTooLongException when the rendered prompt cannot fit
     */
    public int[] encodeChat(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
            boolean addGenerationPrompt, Map<String, Object> extra, int maxTokens) {
        return requireTokenizer().encode(renderChat(messages, tools, addGenerationPrompt, extra), maxTokens);
    }

    /**
     * The conversation rendered so that its final message stays open for the model to continue (Hugging Face's
     * {@code continue_final_message}): rendered without a generation prompt, then cut right after the last
     * occurrence of that message's content (or of it stripped, for templates that strip contents).
     *
     * @throws IllegalArgumentException when the final message has no text or the template does not show it
     */
    public String renderChatContinuing(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
            Map<String, Object> extra) {
        Object content = messages.isEmpty() ? null : messages.get(messages.size() - 1).get("content");
        if (!(content instanceof String text) || text.strip().isEmpty()) {
            throw new IllegalArgumentException("continue_final_message needs a final message with text to continue");
        }
        String rendered = renderChat(messages, tools, false, extra);
        int at = rendered.lastIndexOf(text);
        if (at < 0) {
            text = text.strip();
            at = rendered.lastIndexOf(text);
        }
        if (at < 0) {
            throw new IllegalArgumentException("the chat template does not show the final message's text, so it "
                    + "cannot be continued");
        }
        return rendered.substring(0, at + text.length());
    }

    public String renderChat(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
            boolean addGenerationPrompt, Map<String, Object> extra) {
        if (chatTemplate == null) {
            throw new ModelFormatException(dir + ": no chat_template in tokenizer_config.json; send a plain prompt");
        }
        return chatTemplate.apply(messages, tools, addGenerationPrompt, extra);
    }

    public Tokenizer requireTokenizer() {
        if (tokenizer == null) {
            throw new ModelFormatException(dir + ": no tokenizer.json; only token ids can be used with this model");
        }
        return tokenizer;
    }

    @Override
    public void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
        transformer.close();
    }
}
