package dev.scion.cli;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.generate.BatchGenerator;
import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.GenerationRequest;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.engine.generate.TokenListener;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.sampling.SamplingParams;
import dev.scion.trainer.data.ChatMessage;
import dev.scion.trainer.data.Role;
import dev.scion.trainer.data.TrainingExample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The examples {@code eval} shows: each example's question, its reference answer, and what a model answers
 * greedily from the same prompt tokens. For display only; the figures come from {@code Evaluation.score}.
 */
final class EvalSamples {
    /** Room beyond the reference's length, so an answer that runs on is visible as such. */
    private static final int EXTRA_TOKENS = 16;
    private static final int SLOTS = 8;

    /** One shown example: where it came from, what was asked and what was expected. */
    record Sample(int line, String question, String reference, int[] prompt, int referenceTokens) {}

    private EvalSamples() {}

    /** The first {@code count} examples that have a trained answer after a prompt. */
    static List<Sample> pick(List<TrainingExample> examples, int count) {
        List<Sample> samples = new ArrayList<>();
        for (TrainingExample e : examples) {
            if (samples.size() >= count) {
                break;
            }
            int start = firstTrained(e.lossMask());
            if (start < 1) {
                continue; // nothing trained, or trained from the first token on (trainOnPrompt): no prompt to ask
            }
            int end = start;
            while (end < e.lossMask().length && e.lossMask()[end]) {
                end++;
            }
            samples.add(new Sample(e.sourceLine(), question(e.messages()), answer(e.messages()),
                    Arrays.copyOf(e.tokens(), start), end - start));
        }
        return samples;
    }

    /** Greedy answers to the samples' prompts, with the adapter or (null) the base model, in order. */
    static List<String> answer(LoadedModel model, int context, List<Sample> samples, DeviceAdapter adapter) {
        String[] answers = new String[samples.size()];
        try (BatchGenerator generator = new BatchGenerator(model.transformer(), model.tokenizer(),
                Math.max(1, Math.min(SLOTS, samples.size())), context)) {
            for (int i = 0; i < samples.size(); i++) {
                Sample s = samples.get(i);
                int room = context - s.prompt().length;
                if (room < 1) {
                    answers[i] = "(prompt fills the context)";
                    continue;
                }
                int index = i;
                generator.submit(GenerationRequest.of(s.prompt(), SamplingParams.GREEDY,
                        Math.min(room, s.referenceTokens() + EXTRA_TOKENS)), adapter, new TokenListener() {
                            @Override
                            public void onToken(GeneratedToken token) {}

                            @Override
                            public void onFinish(GenerationResult r) {
                                answers[index] = r.error() == null ? r.text()
                                        : "(no answer: " + r.error().message() + ")";
                            }
                        });
            }
            generator.runToCompletion();
        }
        return Arrays.asList(answers);
    }

    private static int firstTrained(boolean[] mask) {
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                return i;
            }
        }
        return -1;
    }

    /** The user turn before the first trained answer: what the example asks. */
    private static String question(List<ChatMessage> messages) {
        String last = "";
        for (ChatMessage m : messages) {
            if (m.role() == Role.ASSISTANT && m.trained()) {
                break;
            }
            if (m.role() == Role.USER) {
                last = m.content();
            }
        }
        return last;
    }

    private static String answer(List<ChatMessage> messages) {
        for (ChatMessage m : messages) {
            if (m.role() == Role.ASSISTANT && m.trained()) {
                return m.content();
            }
        }
        return "";
    }
}
