package dev.scion.trainer.data;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.text.Tokenizer;
import dev.scion.engine.text.template.TemplateException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders conversations with the model's own chat template ({@link LoadedModel#renderChat}, the code the server
 * renders requests with) and finds which tokens belong to each assistant turn.
 *
 * <p>Templates are text programs, so an answer's tokens are located by rendering, not by parsing the output: the
 * conversation before assistant message i with the generation prompt is exactly what the server would send the
 * model to produce that answer, and the conversation through message i adds the answer and whatever closes the
 * turn. Both must tokenize to prefixes of the whole conversation's tokens, which is checked, never assumed.
 *
 * <p>Of the tokens between, the loss covers the answer up to and including the last end-of-generation token
 * (config's eos ids, e.g. {@code <|im_end|>}): the model must learn to stop there, while what a template writes
 * after it (ChatML's newline) is never generated when serving. A template without such a token has its whole span
 * trained.
 *
 * <p>An assistant turn that calls tools is located the same way, so its rendered calls (Qwen's {@code
 * <tool_call>...</tool_call>}) are part of its answer; tool results are rendered as the prompt of the next turn and
 * never trained (except with trainOnPrompt). The conversation's tools reach the template as a request's do.
 */
final class ConversationEncoder {
    private final LoadedModel model;
    private final Tokenizer tokenizer;
    private final Set<Integer> endOfTurnIds;

    ConversationEncoder(LoadedModel model) {
        this.model = model;
        this.tokenizer = model.requireTokenizer();
        if (model.chatTemplate() == null) {
            throw new ModelFormatException(model.dir() + ": no chat_template in tokenizer_config.json; chat data"
                    + " cannot be rendered for this model");
        }
        this.endOfTurnIds = new HashSet<>(model.config().eosTokenIds());
    }

    EncodedConversation encode(List<ChatMessage> messages) throws BadLineException {
        List<Map<String, Object>> all = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            all.add(m.toTemplateMessage());
        }
        List<Map<String, Object>> tools = ChatMessage.toolsOf(messages);
        // as the server passes a request's tools: null when there are none, so templates see them undefined
        List<Map<String, Object>> offered = tools.isEmpty() ? null : tools;
        int[] full = tokens(all, offered, false);
        boolean[] answer = new boolean[full.length];
        boolean[] prompt = new boolean[full.length];
        Arrays.fill(prompt, true);
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message.role() != Role.ASSISTANT) {
                continue;
            }
            int[] before = tokens(all.subList(0, i), offered, true);
            int[] through = i == messages.size() - 1 ? full : tokens(all.subList(0, i + 1), offered, false);
            requirePrefix(before, through, i, "the prompt before it (with the generation prompt)",
                    "the conversation through it");
            requirePrefix(through, full, i, "the conversation through it", "the whole conversation");
            if (through.length == before.length) {
                throw new TemplateSplitException("the chat template renders assistant message " + i
                        + " as no tokens at all");
            }
            int end = answerEnd(through, before.length);
            // What follows the end-of-turn token is template framing, treated as prompt.
            for (int t = before.length; t < end; t++) {
                prompt[t] = false;
                answer[t] = message.trained();
            }
        }
        return new EncodedConversation(full, answer, prompt);
    }

    /**
     * The conversation as a training example: encoded, masked as {@code options} say, and cut to their maximum
     * length. The one place both a data file's lines and in-memory conversations (replay) become examples, so the
     * two can never be masked differently.
     *
     * @throws BadLineException when the template refuses it or no answer token survives the cut
     */
    TrainingExample example(List<ChatMessage> messages, int sourceLine, DatasetOptions options)
            throws BadLineException {
        EncodedConversation encoded = encode(messages);
        int[] ids = encoded.tokens();
        boolean[] mask = encoded.lossMask(options.trainOnPrompt());
        boolean cut = ids.length > options.maxLength();
        if (cut) {
            if (!encoded.hasAnswerBefore(options.maxLength())) {
                throw new BadLineException(null, "unusable: no answer token within the first "
                        + options.maxLength() + " of its " + ids.length + " tokens (the maximum length)");
            }
            ids = Arrays.copyOf(ids, options.maxLength());
            mask = Arrays.copyOf(mask, options.maxLength());
        }
        return new TrainingExample(ids, mask, sourceLine, cut, messages);
    }

    /** One past the last end-of-turn token in {@code tokens[from, length)}, or the length when there is none. */
    private int answerEnd(int[] tokens, int from) {
        for (int t = tokens.length - 1; t >= from; t--) {
            if (endOfTurnIds.contains(tokens[t])) {
                return t + 1;
            }
        }
        return tokens.length;
    }

    private int[] tokens(List<Map<String, Object>> messages, List<Map<String, Object>> tools,
            boolean addGenerationPrompt) throws BadLineException {
        String text;
        try {
            text = model.renderChat(messages, tools, addGenerationPrompt, Map.of());
        } catch (TemplateException e) {
            throw new BadLineException(null, "the chat template refused the conversation: " + e.getMessage());
        }
        return tokenizer.encode(text);
    }

    private void requirePrefix(int[] prefix, int[] whole, int message, String prefixName, String wholeName)
            throws TemplateSplitException {
        int n = Math.min(prefix.length, whole.length);
        int differ = n;
        for (int t = 0; t < n; t++) {
            if (prefix[t] != whole[t]) {
                differ = t;
                break;
            }
        }
        if (differ == prefix.length) {
            return;
        }
        String detail = differ < n
                ? "token " + differ + " is " + quote(prefix, differ) + " in one and " + quote(whole, differ)
                        + " in the other"
                : "the first has " + prefix.length + " tokens, the second only " + whole.length;
        throw new TemplateSplitException("the chat template breaks prompt/answer splitting at assistant message "
                + message + ": " + prefixName + " does not tokenize to a prefix of " + wholeName + " (" + detail
                + "), so the answer's tokens cannot be located");
    }

    private String quote(int[] tokens, int at) {
        return "'" + tokenizer.decode(tokens, at, at + 1, false).replace("\n", "\\n") + "'";
    }
}
