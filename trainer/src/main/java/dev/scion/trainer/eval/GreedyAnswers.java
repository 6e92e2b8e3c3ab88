package dev.scion.trainer.eval;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.generate.BatchGenerator;
import dev.scion.engine.generate.FinishReason;
import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.GenerationRequest;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.engine.generate.TokenListener;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.sampling.SamplingParams;
import dev.scion.trainer.data.ChatMessage;
import dev.scion.trainer.data.Role;
import dev.scion.trainer.data.TrainingExample;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact match the way a user sees it: each example's prompt (its conversation up to the last trained answer,
 * rendered by the chat template with the generation prompt) is answered greedily by the engine's batch generator,
 * the served path, and the decoded answer must equal the reference answer (surrounding white space aside) and end
 * with an end-of-sequence token. Owns a small batch generator of its own (its KV cache), so it can run beside the
 * serving engine on the same immutable model. Not thread-safe: one round uses one.
 */
public final class GreedyAnswers implements AutoCloseable {
    /** Sequences answered at once: enough to fill a CPU step, a bounded KV cache on a large model. */
    static final int SLOTS = 16;

    /** Tokens an answer may run past its reference's length: a longer answer is wrong anyway. */
    static final int SLACK_TOKENS = 4;

    private final LoadedModel model;
    private final BatchGenerator generator;
    private final Map<TrainingExample, Question> questions = new IdentityHashMap<>();

    /** What to ask and what must come back. */
    private record Question(int[] prompt, String reference, int maxTokens) {}

    /** @param maxLength the longest example, in tokens (the round's {@code maxLength}) */
    public GreedyAnswers(LoadedModel model, int maxLength) {
        this.model = model;
        int context = Math.min(model.transformer().maxPositions(), maxLength + 64);
        this.generator = new BatchGenerator(model.transformer(), model.requireTokenizer(), SLOTS, context);
    }

    /**
     * Scores an adapter (null: the base model) on the examples. An example whose prompt leaves no room for its
     * answer in the context counts as not answered.
     */
    public AnswerScore score(LoraAdapter adapter, List<TrainingExample> examples) {
        if (examples.isEmpty()) {
            return AnswerScore.EMPTY;
        }
        boolean[] correct = new boolean[examples.size()];
        List<GenerationResult[]> results = new ArrayList<>();
        try (DeviceAdapter device = adapter == null ? null : DeviceAdapter.upload(adapter, model.transformer())) {
            for (TrainingExample example : examples) {
                Question q = question(example);
                GenerationResult[] slot = new GenerationResult[1];
                results.add(slot);
                int room = generator.maxContext() - q.prompt().length;
                if (room < 1) {
                    continue;
                }
                generator.submit(GenerationRequest.of(q.prompt(), SamplingParams.GREEDY, Math.min(room, q.maxTokens())),
                        device, new TokenListener() {
                            @Override
                            public void onToken(GeneratedToken token) {}

                            @Override
                            public void onFinish(GenerationResult result) {
                                slot[0] = result;
                            }
                        });
            }
            generator.runToCompletion();
        }
        int exact = 0;
        for (int i = 0; i < examples.size(); i++) {
            GenerationResult r = results.get(i)[0];
            correct[i] = r != null && r.finishReason() == FinishReason.STOP
                    && r.text().strip().equals(question(examples.get(i)).reference());
            exact += correct[i] ? 1 : 0;
        }
        return new AnswerScore(examples.size(), exact, correct);
    }

    private Question question(TrainingExample example) {
        return questions.computeIfAbsent(example, e -> {
            List<ChatMessage> messages = e.messages();
            int last = messages.size() - 1;
            while (last > 0 && !(messages.get(last).role() == Role.ASSISTANT && messages.get(last).trained())) {
                last--;
            }
            List<Map<String, Object>> prompt = new ArrayList<>();
            for (ChatMessage m : messages.subList(0, last)) {
                prompt.add(m.toTemplateMessage());
            }
            String reference = messages.get(last).content().strip();
            int[] ids = model.encodeChat(prompt, ChatMessage.toolsOf(messages), true, Map.of());
            return new Question(ids, reference, model.requireTokenizer().encode(reference).length + SLACK_TOKENS);
        });
    }

    @Override
    public void close() {
        generator.close();
    }
}
