package dev.scion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.LoadedModel;
import dev.scion.engine.generate.BatchGenerator;
import dev.scion.engine.generate.GeneratedToken;
import dev.scion.engine.generate.GenerationRequest;
import dev.scion.engine.generate.GenerationResult;
import dev.scion.engine.generate.TokenListener;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.sampling.SampledToken;
import dev.scion.engine.sampling.SamplingParams;
import dev.scion.engine.text.Tokenizer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Generate text from a prompt, a chat message or token ids, streaming to stdout.")
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--adapter", paramLabel = "DIR", description = "PEFT LoRA adapter folder to apply.")
    Path adapter;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "Raw prompt text, tokenized as is.")
        String prompt;

        @Option(names = "--chat", paramLabel = "TEXT", description = "A user message, rendered with the chat template.")
        String chat;

        @Option(names = "--ids", paramLabel = "1,2,3", split = ",", description = "Prompt token ids (no tokenizer needed).")
        int[] ids;
    }

    @Option(names = "--system", paramLabel = "TEXT", description = "System message for --chat.")
    String system;

    @Option(names = "--max-tokens", defaultValue = "64", description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default), up to 2.")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", description = "Nucleus sampling mass, (0, 1] (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--top-k", defaultValue = "-1", description = "Keep the K most likely tokens; -1 = off.")
    int topK;

    @Option(names = "--seed", description = "Random seed: the same seed gives the same output.")
    Long seed;

    @Option(names = "--repetition-penalty", defaultValue = "1", description = "HF repetition penalty; 1 = off.")
    double repetitionPenalty;

    @Option(names = "--presence-penalty", defaultValue = "0", description = "OpenAI presence penalty, -2..2.")
    double presencePenalty;

    @Option(names = "--frequency-penalty", defaultValue = "0", description = "OpenAI frequency penalty, -2..2.")
    double frequencyPenalty;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop string (repeatable).")
    List<String> stop = new ArrayList<>();

    @Option(names = "--ignore-eos", description = "Keep generating past end-of-sequence tokens.")
    boolean ignoreEos;

    @Option(names = "--json", description = "Print one JSON object: token ids, text, finish reason, usage, logprobs.")
    boolean json;

    @Option(names = "--top-logprobs", defaultValue = "-1", paramLabel = "K",
            description = "With --json: the K most likely tokens and their log-probabilities at each step (0..20).")
    int topLogprobs;

    @Override
    public Integer call() throws Exception {
        SamplingParams sampling = new SamplingParams(temperature, topP, topK, 0, seed, presencePenalty,
                frequencyPenalty, repetitionPenalty, json ? Math.max(topLogprobs, 0) : -1);
        try (LoadedModel model = modelOptions.load()) {
            int[] prompt = promptIds(model);
            DeviceAdapter device = null;
            if (adapter != null) {
                LoraAdapter lora = PeftAdapter.load(adapter, adapter.getFileName().toString(), model.config());
                device = DeviceAdapter.upload(lora, model.transformer());
            }
            Tokenizer tokenizer = model.tokenizer();
            PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
            GenerationResult[] result = new GenerationResult[1];
            try (BatchGenerator generator = new BatchGenerator(model.transformer(), tokenizer, 1,
                    modelOptions.context(model))) {
                generator.submit(new GenerationRequest(prompt, sampling, maxTokens, stop, Set.of(), ignoreEos), device,
                        new TokenListener() {
                            @Override
                            public void onToken(GeneratedToken token) {
                                if (!json && !token.textDelta().isEmpty()) {
                                    out.print(token.textDelta());
                                    out.flush();
                                }
                            }

                            @Override
                            public void onFinish(GenerationResult r) {
                                result[0] = r;
                            }
                        });
                generator.runToCompletion();
            } finally {
                if (device != null) {
                    device.close();
                }
            }
            if (result[0].error() != null) { // e.g. non-finite logits: an error line and exit 1, not a result
                out.println();
                throw new IllegalStateException(result[0].error().message());
            }
            if (json) {
                out.println(toJson(result[0], prompt, tokenizer));
            } else {
                out.println();
                if (tokenizer == null) {
                    out.println(Arrays.toString(result[0].tokenIds()));
                }
            }
        }
        return 0;
    }

    private int[] promptIds(LoadedModel model) {
        if (input.ids != null) {
            return input.ids;
        }
        if (input.prompt != null) {
            return model.requireTokenizer().encode(input.prompt);
        }
        List<Map<String, Object>> messages = new ArrayList<>();
        if (system != null) {
            messages.add(Map.of("role", "system", "content", system));
        }
        messages.add(Map.of("role", "user", "content", input.chat));
        return model.encodeChat(messages, null, true, Map.of());
    }

    private String toJson(GenerationResult r, int[] prompt, Tokenizer tokenizer) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode ids = root.putArray("token_ids");
        Arrays.stream(r.tokenIds()).forEach(ids::add);
        root.put("text", r.text());
        root.put("finish_reason", r.finishReason().openAiName());
        ObjectNode usage = root.putObject("usage");
        usage.put("prompt_tokens", prompt.length);
        usage.put("completion_tokens", r.completionTokens());
        usage.put("total_tokens", r.totalTokens());
        if (topLogprobs >= 0) {
            ArrayNode steps = root.putArray("logprobs");
            for (SampledToken s : r.samples()) {
                ObjectNode step = steps.addObject();
                step.put("token_id", s.id());
                if (tokenizer != null) {
                    step.put("token", tokenizer.token(s.id()));
                }
                step.put("logprob", s.logprob());
                ArrayNode top = step.putArray("top_logprobs");
                for (int i = 0; i < s.topIds().length; i++) {
                    ObjectNode alt = top.addObject();
                    alt.put("token_id", s.topIds()[i]);
                    if (tokenizer != null) {
                        alt.put("token", tokenizer.token(s.topIds()[i]));
                    }
                    alt.put("logprob", s.topLogprobs()[i]);
                }
            }
        }
        return mapper.writeValueAsString(root);
    }
}
