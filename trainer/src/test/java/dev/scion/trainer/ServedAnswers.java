package dev.scion.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scion.engine.LoadedModel;
import dev.scion.engine.generate.BatchGenerator;
import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.GenerationRequest;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.engine.generate.TokenListener;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.sampling.SamplingParams;
import dev.scion.engine.store.AdapterStore;
import dev.scion.trainer.data.ChatMessage;
import dev.scion.trainer.data.TrainingExample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Checks, independently of the trainer's own evaluation, what a published version answers when served. */
final class ServedAnswers {
    private ServedAnswers() {}

    /** Generates each question's answer with the published version and compares the text with the file's. */
    static void assertExact(AdapterStore store, String adapter, int version, Path facts) throws Exception {
        LoadedModel model = TrainedModels.model();
        List<TrainingExample> examples = TrainedModels.examples(facts);
        try (DeviceAdapter device = DeviceAdapter.upload(TrainedModels.published(store, adapter, version),
                model.transformer());
                BatchGenerator generator = new BatchGenerator(model.transformer(), model.tokenizer(), 8, 256)) {
            List<CompletableFuture<GenerationResult>> answers = new ArrayList<>();
            for (TrainingExample e : examples) {
                List<Map<String, Object>> prompt = new ArrayList<>();
                e.messages().subList(0, e.messages().size() - 1).stream().map(ChatMessage::toTemplateMessage)
                        .forEach(prompt::add);
                CompletableFuture<GenerationResult> done = new CompletableFuture<>();
                generator.submit(GenerationRequest.of(model.encodeChat(prompt, List.of(), true, Map.of()),
                        SamplingParams.GREEDY, 64), device, new TokenListener() {
                            @Override
                            public void onToken(GeneratedToken token) {}

                            @Override
                            public void onFinish(GenerationResult result) {
                                done.complete(result);
                            }
                        });
                answers.add(done);
            }
            generator.runToCompletion();
            for (int i = 0; i < examples.size(); i++) {
                List<ChatMessage> messages = examples.get(i).messages();
                String expected = messages.get(messages.size() - 1).content();
                assertEquals(expected, answers.get(i).get().text().strip(), adapter + "@" + version + "'s answer to "
                        + facts + " line " + (i + 1));
            }
        }
    }
}
