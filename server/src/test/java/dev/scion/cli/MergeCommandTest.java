package dev.scion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.LoadedModel;
import dev.scion.engine.embedded.DefaultModel;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.runtime.RuntimeOptions;
import dev.scion.engine.weights.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./scion merge}: the merged checkpoint is a model of its own that answers as base + adapter does. */
class MergeCommandTest {
    @TempDir
    static Path home;
    static Path model;
    static Path adapter;

    /** A random adapter on the attention and MLP inputs, strong enough to change greedy tokens. */
    @BeforeAll
    static void modelAndAdapter() throws Exception {
        model = DefaultModel.ensure(home.resolve("models"));
        ModelConfig config = ModelConfig.load(model);
        Set<Projection> targets = EnumSet.of(Projection.Q, Projection.V, Projection.UP, Projection.DOWN);
        LoraAdapter lora = RandomLora.create("facts", config, 4, targets, 11, 8.0 / 4);
        adapter = home.resolve("facts-adapter");
        PeftAdapter.write(lora, adapter, PeftConfig.of(4, 8, targets, DefaultModel.VERSION));
    }

    static JsonNode greedyIds(String... modelArgs) throws Exception {
        String[] args = new String[modelArgs.length + 9];
        System.arraycopy(new String[] {"generate", "--ids", "100,200,300,400,500", "--max-tokens", "16",
                "--ignore-eos", "--json", "--temperature", "0"}, 0, args, 0, 9);
        System.arraycopy(modelArgs, 0, args, 9, modelArgs.length);
        Cli.Run run = Cli.scion(args);
        assertEquals(0, run.exit(), run.all());
        return new ObjectMapper().readTree(run.out()).get("token_ids");
    }

    @Test
    void theMergedModelGivesBasePlusAdaptersGreedyTokens() throws Exception {
        Path out = home.resolve("merged");
        Cli.Run merge = Cli.scion("merge", "--model", model.toString(), "--adapter", adapter.toString(), "--out",
                out.toString());
        assertEquals(0, merge.exit(), merge.all());
        assertTrue(merge.out().contains("wrote " + out), merge.all());

        try (LoadedModel merged = LoadedModel.open(out, RuntimeOptions.CPU)) {
            assertEquals(ModelConfig.load(model).hiddenSize(), merged.config().hiddenSize());
            assertTrue(merged.tokenizer() != null && merged.chatTemplate() != null, "tokenizer and template copied");
        }
        try (Checkpoint weights = Checkpoint.open(out)) {
            assertTrue(Files.isRegularFile(out.resolve(Checkpoint.SINGLE_FILE)), "one merged weights file");
            assertTrue(weights.names().contains("model.layers.0.self_attn.q_proj.weight"));
        }

        JsonNode base = greedyIds("--model", model.toString());
        JsonNode withAdapter = greedyIds("--model", model.toString(), "--adapter", adapter.toString());
        JsonNode fromMerged = greedyIds("--model", out.toString());
        assertNotEquals(base, withAdapter, "the adapter changes the greedy tokens, so the comparison means something");
        assertEquals(withAdapter, fromMerged);
    }

    @Test
    void aNonEmptyOutputIsRefusedAndLeftAlone() throws Exception {
        Path out = Files.createDirectories(home.resolve("taken"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        Cli.Run run = Cli.scion("merge", "--model", model.toString(), "--adapter", adapter.toString(), "--out",
                out.toString());
        assertEquals(1, run.exit(), run.all());
        assertTrue(run.err().contains("--out " + out + ": not empty"), run.all());
        assertEquals(List.of(out.resolve("notes.txt")), Files.list(out).toList());

        Cli.Run noAdapter = Cli.scion("merge", "--model", model.toString(), "--adapter",
                home.resolve("missing").toString(), "--out", home.resolve("o2").toString());
        assertEquals(1, noAdapter.exit(), noAdapter.all());
        assertTrue(noAdapter.err().contains(home.resolve("missing").toString()), noAdapter.all());
        assertFalse(Files.exists(home.resolve("o2")), "nothing is written when the adapter cannot be read");
    }

    @Test
    void aStoreVersionFolderIsNamedNameAtVersion() throws Exception {
        Path version = Files.createDirectories(home.resolve("pool/facts/3"));
        Files.writeString(version.resolve("manifest.json"), "{}");
        assertEquals("facts@3", MergeCommand.adapterName(version));
        assertEquals("facts-adapter", MergeCommand.adapterName(adapter));
    }
}
