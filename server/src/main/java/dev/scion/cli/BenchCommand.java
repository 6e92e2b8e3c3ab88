package dev.scion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.generate.BatchGenerator;
import dev.scion.engine.generate.GenerationRequest;
import dev.scion.engine.generate.TokenListener;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.runtime.KvCache;
import dev.scion.engine.runtime.LoraBatch;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.runtime.SequenceChunk;
import dev.scion.engine.runtime.Transformer;
import dev.scion.engine.sampling.SamplingParams;
import dev.scion.engine.weights.RandomWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of the runtime on random weights of a real model's shape: prefill tokens/s, and
 * decode tokens/s at each batch size with no adapter, one adapter for every row, and a different
 * adapter per row. Prints one line per case and the process's peak resident memory.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false, subcommands = {BenchServeCommand.class, BenchAdaptersCommand.class, BenchTrainCommand.class, BenchLearningCommand.class,
            BenchColocatedCommand.class, BenchSoakCommand.class},
        description = "Measure prefill and decode throughput on a random-weight model of a given shape.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--shape", defaultValue = "qwen2.5-0.5b",
            description = "Model shape: qwen2.5-0.5b (hidden 896, 24 layers, 14/2 heads, vocab 151936, tied) or tiny.")
    String shape;

    @Option(names = "--batch", split = ",", defaultValue = "1,8", description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    int[] batches;

    @Option(names = "--adapters", split = ",", defaultValue = "none,one,mixed",
            description = "Adapter cases: none, one (every row the same adapter), mixed (a different adapter per row).")
    List<String> cases;

    @Option(names = "--rank", defaultValue = "16", description = "Rank of the random adapters (all seven projections).")
    int rank;

    @Option(names = "--prompt-tokens", defaultValue = "128", description = "Prompt length per sequence.")
    int promptTokens;

    @Option(names = "--decode-steps", defaultValue = "16", description = "Timed decode steps per case (the median is reported).")
    int decodeSteps;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed decode steps first.")
    int warmup;

    @Option(names = "--dtype", defaultValue = "float32", description = "Compute dtype.")
    String dtype;

    @Override
    public Integer call() throws IOException {
        ModelConfig config = config(shape);
        System.out.printf(Locale.ROOT, "shape %s: hidden %d, layers %d, heads %d/%d, intermediate %d, vocab %d%n",
                shape, config.hiddenSize(), config.numLayers(), config.numHeads(), config.numKvHeads(),
                config.intermediateSize(), config.vocabSize());
        System.out.printf(Locale.ROOT, "MKL_CBWR=%s, threads=%d%n", System.getenv("MKL_CBWR"),
                Runtime.getRuntime().availableProcessors());
        int context = promptTokens + warmup + decodeSteps + 2;
        RuntimeOptions options = new RuntimeOptions("cpu", dtype, context);
        long loadStart = System.nanoTime();
        try (RandomWeights weights = new RandomWeights(config, 1);
                Transformer model = Transformer.load(config, weights, options)) {
            System.out.printf(Locale.ROOT, "loaded %.0fM parameters in %.1f s; RSS %s%n",
                    model.parameterCount() / 1e6, (System.nanoTime() - loadStart) / 1e9, rss());
            prefill(model, context);
            int maxBatch = java.util.Arrays.stream(batches).max().orElse(1);
            List<DeviceAdapter> adapters = new ArrayList<>();
            try {
                if (!cases.equals(List.of("none"))) {
                    for (int i = 0; i < maxBatch; i++) {
                        adapters.add(DeviceAdapter.upload(RandomLora.create("bench-" + i, config, rank,
                                EnumSet.allOf(Projection.class), 100 + i, 2.0), model));
                    }
                }
                for (int batch : batches) {
                    for (String c : cases) {
                        decode(model, context, batch, c, adapters);
                    }
                }
            } finally {
                adapters.forEach(DeviceAdapter::close);
            }
        }
        System.out.println("peak RSS " + peakRss());
        return 0;
    }

    private void prefill(Transformer model, int context) {
        try (KvCache cache = new KvCache(model, 1, context)) {
            int[] prompt = randomTokens(model.config(), promptTokens, 7);
            model.forward(List.of(new SequenceChunk(0, 0, prompt, -1)), cache, LoraBatch.none());
            int runs = 3;
            long start = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                model.forward(List.of(new SequenceChunk(0, 0, prompt, -1)), cache, LoraBatch.none());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "prefill %d tokens: %.1f tokens/s (%.0f ms per prompt); RSS %s%n",
                    promptTokens, runs * promptTokens / seconds, seconds * 1000 / runs, rssOrNa());
        }
    }

    private void decode(Transformer model, int context, int batch, String adapterCase, List<DeviceAdapter> adapters) {
        try (BatchGenerator generator = new BatchGenerator(model, null, batch, context)) {
            for (int i = 0; i < batch; i++) {
                DeviceAdapter adapter = switch (adapterCase) {
                    case "none" -> null;
                    case "one" -> adapters.get(0);
                    case "mixed" -> adapters.get(i);
                    default -> throw new IllegalArgumentException("unknown adapter case " + adapterCase);
                };
                generator.submit(new GenerationRequest(randomTokens(model.config(), promptTokens, 11 + i),
                        SamplingParams.GREEDY, warmup + decodeSteps + 1, List.of(), java.util.Set.of(), true),
                        adapter, TokenListener.NONE);
            }
            generator.step(); // prefill of every sequence
            for (int i = 0; i < warmup; i++) {
                generator.step();
            }
            double[] stepMs = new double[decodeSteps];
            for (int i = 0; i < decodeSteps; i++) {
                long start = System.nanoTime();
                generator.step();
                stepMs[i] = (System.nanoTime() - start) / 1e6;
            }
            // The median step: a shared 2-core VM stalls now and then, and one stall skews a mean.
            java.util.Arrays.sort(stepMs);
            double seconds = stepMs[decodeSteps / 2] * decodeSteps / 1000;
            System.out.printf(Locale.ROOT, "decode batch %d, adapters %-5s: %7.2f tokens/s, %6.1f ms/step; RSS %s%n",
                    batch, adapterCase, batch * decodeSteps / seconds, seconds * 1000 / decodeSteps, rssOrNa());
            generator.runToCompletion();
        }
    }

    static int[] randomTokens(ModelConfig config, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = random.nextInt(config.vocabSize());
        }
        return ids;
    }

    static ModelConfig config(String shape) {
        String json = switch (shape) {
            case "qwen2.5-0.5b" -> "{\"architectures\":[\"Qwen2ForCausalLM\"],\"hidden_size\":896,"
                    + "\"num_hidden_layers\":24,\"num_attention_heads\":14,\"num_key_value_heads\":2,"
                    + "\"intermediate_size\":4864,\"vocab_size\":151936,\"rms_norm_eps\":1e-6,"
                    + "\"rope_theta\":1000000.0,\"max_position_embeddings\":32768,\"tie_word_embeddings\":true,"
                    + "\"eos_token_id\":151645}";
            case "tiny" -> "{\"architectures\":[\"Qwen2ForCausalLM\"],\"hidden_size\":256,\"num_hidden_layers\":4,"
                    + "\"num_attention_heads\":8,\"num_key_value_heads\":2,\"intermediate_size\":768,"
                    + "\"vocab_size\":1792,\"max_position_embeddings\":2048,\"tie_word_embeddings\":true}";
            default -> throw new IllegalArgumentException("unknown shape " + shape + "; use qwen2.5-0.5b or tiny");
        };
        try {
            return ModelConfig.fromJson(new ObjectMapper().readTree(json), null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String rssOrNa() {
        try {
            return rss();
        } catch (IOException e) {
            return "n/a";
        }
    }

    static String rss() throws IOException {
        return procStatus("VmRSS:");
    }

    static String peakRss() throws IOException {
        return procStatus("VmHWM:");
    }

    private static String procStatus(String key) throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return "n/a";
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(key)) {
                long kb = Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                return String.format(Locale.ROOT, "%.0f MiB", kb / 1024.0);
            }
        }
        return "n/a";
    }
}
