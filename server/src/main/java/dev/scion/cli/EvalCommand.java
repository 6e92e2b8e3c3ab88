package dev.scion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.LoadedModel;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.runtime.DeviceAdapter;
import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.AdapterNotFoundException;
import dev.scion.engine.store.AdapterStore;
import dev.scion.trainer.EvalScore;
import dev.scion.trainer.Evaluation;
import dev.scion.trainer.LearningMatrix;
import dev.scion.trainer.data.Dataset;
import dev.scion.trainer.data.DatasetReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = TrainDefaults.class,
        description = {"Score an adapter on a JSONL data file: mean token loss on the answers and exact-match "
                + "accuracy of greedy answers (for answers up to " + Evaluation.SHORT_ANSWER_TOKENS + " tokens), "
                + "beside the base model's, and show a few examples.",
                "The adapter is a PEFT folder (--adapter-dir) or a version in a store (--adapters DIR --adapter "
                + "NAME[@VERSION]; NAME alone is the version its routing serves as stable). Without either, only the "
                + "base model is scored.",
                "With --rounds: the learning matrix of NAME's rounds (NAME alone: its latest version)."})
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "FILE", description = "Examples to score (JSONL); required unless --rounds.")
    Path data;

    @Option(names = "--rounds", description = "Print the learning report of --adapter NAME[@VERSION] instead: its "
            + "accuracy on each earlier round's data after each round, backward transfer and average forgetting, "
            + "as each round's gate measured and stored them (no model is loaded).")
    boolean rounds;

    @Option(names = "--adapter-dir", paramLabel = "DIR", description = "PEFT adapter folder to score.")
    Path adapterDir;

    @Option(names = "--adapters", paramLabel = "DIR", defaultValue = "${env:SCION_ADAPTERS}",
            description = "Adapter store folder holding --adapter. Env: SCION_ADAPTERS.")
    Path adapters;

    @Option(names = "--adapter", paramLabel = "NAME[@VERSION]", description = "Adapter version in the store.")
    String adapter;

    @Option(names = "--no-base", description = "Do not score the base model for comparison.")
    boolean noBase;

    @Option(names = "--show", paramLabel = "N", defaultValue = "5",
            description = "Examples to show with the answers given (default: ${DEFAULT-VALUE}).")
    int show;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Mixin
    DataOptions dataOptions = new DataOptions();

    /** The adapter under evaluation and the name it is reported under. */
    private record Chosen(String id, LoraAdapter lora) {}

    @Override
    public Integer call() throws Exception {
        if (adapterDir != null && adapter != null) {
            throw new IllegalArgumentException("give --adapter-dir DIR or --adapter NAME[@VERSION], not both");
        }
        if (adapter != null && adapters == null) {
            throw new IllegalArgumentException("--adapter " + adapter + " needs --adapters DIR (or SCION_ADAPTERS):"
                    + " the store it is published in");
        }
        if (show < 0) {
            throw new IllegalArgumentException("--show must be 0 or more, got " + show);
        }
        if (rounds) {
            return learningReport();
        }
        if (data == null) {
            throw new IllegalArgumentException("--data FILE is required (or --rounds with --adapter)");
        }
        TrainCommand.requireFile("--data", data);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (LoadedModel model = modelOptions.load()) {
            Chosen chosen = choose(model);
            Dataset dataset = Dataset.load(data, model, dataOptions.datasetOptions());
            EvalScore adapterScore = chosen == null ? null : Evaluation.score(model, chosen.lora(), dataset.examples());
            EvalScore baseScore = chosen != null && noBase ? null : Evaluation.score(model, null, dataset.examples());

            List<EvalSamples.Sample> samples = EvalSamples.pick(dataset.examples(), show);
            int context = modelOptions.context(model);
            List<String> adapterAnswers = null;
            if (chosen != null && !samples.isEmpty()) {
                try (DeviceAdapter device = DeviceAdapter.upload(chosen.lora(), model.transformer())) {
                    adapterAnswers = EvalSamples.answer(model, context, samples, device);
                }
            }
            List<String> baseAnswers = baseScore == null || samples.isEmpty() ? null
                    : EvalSamples.answer(model, context, samples, null);

            if (json) {
                out.println(json(dataset.report(), chosen, adapterScore, baseScore, samples, adapterAnswers,
                        baseAnswers));
            } else {
                text(out, dataset.report(), chosen, adapterScore, baseScore, samples, adapterAnswers, baseAnswers);
            }
        }
        return 0;
    }

    /** {@code --rounds}: the stored learning matrix, read from the store's manifests alone. */
    private int learningReport() throws IOException {
        if (adapter == null || adapters == null) {
            throw new IllegalArgumentException("--rounds needs --adapters DIR and --adapter NAME[@VERSION]");
        }
        AdapterStore store = AdapterStore.open(adapters,
                AdapterStore.fingerprint(ModelConfig.load(modelOptions.modelDir())));
        String name = nameOf(adapter);
        int version = versionOf(store, adapter, false);
        store.resolve(name, version); // a named version that does not exist: AdapterNotFoundException
        LearningMatrix matrix = LearningMatrix.of(store, name, version);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (matrix.rounds() == 0) {
            out.println(name + "@" + version + " has no learning report: none of its rounds was trained by this "
                    + "version of the trainer");
            return 0;
        }
        out.println("learning report of " + name + "@" + version + " (exact answers on each round's data):");
        out.print(matrix.table());
        return 0;
    }

    private Chosen choose(LoadedModel model) throws IOException {
        if (adapterDir != null) {
            String name = MergeCommand.adapterName(adapterDir);
            return new Chosen(name, PeftAdapter.load(adapterDir, name, model.config()));
        }
        if (adapter == null) {
            return null;
        }
        AdapterStore store = AdapterStore.open(adapters, AdapterStore.fingerprint(model.config()));
        String name = nameOf(adapter);
        int version = versionOf(store, adapter, true);
        String id = name + "@" + version;
        return new Chosen(id, PeftAdapter.load(store.folder(name, version), id, model.config()));
    }

    private static String nameOf(String adapter) {
        int at = adapter.indexOf('@');
        return at < 0 ? adapter : adapter.substring(0, at);
    }

    /**
     * The version {@code --adapter NAME[@VERSION]} names; NAME alone is its latest version, or with {@code stable}
     * the one its routing serves as stable.
     */
    private static int versionOf(AdapterStore store, String adapter, boolean stable) throws IOException {
        int at = adapter.indexOf('@');
        if (at >= 0) {
            try {
                return Integer.parseInt(adapter.substring(at + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--adapter " + adapter + ": the version after @ must be a number");
            }
        }
        List<AdapterManifest> versions = store.versions(adapter);
        if (versions.isEmpty()) {
            throw new AdapterNotFoundException("adapter " + adapter + " has no version in " + store.root());
        }
        int latest = versions.get(versions.size() - 1).version();
        return stable ? store.routing(adapter).effectiveStable(latest) : latest;
    }

    private static void text(PrintStream out, DatasetReport report, Chosen chosen, EvalScore adapterScore,
            EvalScore baseScore, List<EvalSamples.Sample> samples, List<String> adapterAnswers,
            List<String> baseAnswers) {
        out.println("data: " + report.summary());
        RoundReport.problems(out, report.problems());
        out.printf(Locale.ROOT, "%-24s %9s %8s %9s  %s%n", "", "examples", "tokens", "loss", "exact match");
        if (baseScore != null) {
            scoreLine(out, "base", baseScore);
        }
        if (adapterScore != null) {
            scoreLine(out, chosen.id(), adapterScore);
        }
        if (samples.isEmpty()) {
            return;
        }
        out.println();
        out.println("examples:");
        int width = Math.max("expected".length(), chosen == null ? 0 : chosen.id().length()) + 1;
        String answerLine = "    %-" + width + "s %s%n";
        for (int i = 0; i < samples.size(); i++) {
            EvalSamples.Sample s = samples.get(i);
            out.println("  line " + s.line() + ": " + oneLine(s.question()));
            out.printf(answerLine, "expected:", oneLine(s.reference()));
            if (adapterAnswers != null) {
                out.printf(answerLine, chosen.id() + ":", oneLine(adapterAnswers.get(i)));
            }
            if (baseAnswers != null) {
                out.printf(answerLine, "base:", oneLine(baseAnswers.get(i)));
            }
        }
    }

    private static void scoreLine(PrintStream out, String label, EvalScore s) {
        String exact = Double.isFinite(s.accuracy())
                ? s.exactMatches() + "/" + s.examples() + " (" + RoundReport.pct(s.accuracy()) + ")"
                : "n/a (answers over " + Evaluation.SHORT_ANSWER_TOKENS + " tokens)";
        out.printf(Locale.ROOT, "%-24s %9d %8d %9s  %s%n", label, s.examples(), s.tokens(), RoundReport.num(s.loss()),
                exact);
    }

    /** Answers may hold newlines or run on; one line each keeps the listing readable. */
    private static String oneLine(String text) {
        String flat = text.replace("\r", "").replace("\n", "\\n");
        return flat.length() > 120 ? flat.substring(0, 117) + "..." : flat;
    }

    private static String json(DatasetReport report, Chosen chosen, EvalScore adapterScore, EvalScore baseScore,
            List<EvalSamples.Sample> samples, List<String> adapterAnswers, List<String> baseAnswers)
            throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ObjectNode d = root.putObject("data");
        d.put("file", report.file().toString());
        d.put("format", TrainDefaults.formatName(report.format()));
        d.put("read", report.read());
        d.put("used", report.used());
        d.put("skipped", report.skipped());
        ArrayNode problems = d.putArray("problems");
        report.problems().forEach(p -> problems.add(p.toString()));
        if (adapterScore != null) {
            ObjectNode a = root.putObject("adapter");
            a.put("id", chosen.id());
            score(a, adapterScore);
        }
        if (baseScore != null) {
            score(root.putObject("base"), baseScore);
        }
        ArrayNode shown = root.putArray("examples");
        for (int i = 0; i < samples.size(); i++) {
            EvalSamples.Sample s = samples.get(i);
            ObjectNode e = shown.addObject();
            e.put("line", s.line());
            e.put("question", s.question());
            e.put("reference", s.reference());
            if (adapterAnswers != null) {
                e.put("adapter", adapterAnswers.get(i));
            }
            if (baseAnswers != null) {
                e.put("base", baseAnswers.get(i));
            }
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    private static ObjectNode score(ObjectNode node, EvalScore s) {
        node.put("examples", s.examples());
        node.put("tokens", s.tokens());
        putNumber(node, "loss", s.loss());
        putNumber(node, "accuracy", s.accuracy());
        node.put("exact_matches", s.exactMatches());
        return node;
    }

    /** JSON has no NaN: a figure that was not measured is null. */
    private static void putNumber(ObjectNode node, String field, double v) {
        if (Double.isFinite(v)) {
            node.put(field, v);
        } else {
            node.putNull(field);
        }
    }
}
