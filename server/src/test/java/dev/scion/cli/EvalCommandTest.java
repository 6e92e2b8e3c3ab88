package dev.scion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.embedded.DefaultModel;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.PublishSource;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./scion eval} on the embedded model with a random adapter, from a folder and from a store. */
class EvalCommandTest {
    @TempDir
    static Path home;
    static Path model;
    static Path adapter;
    static Path data;

    @BeforeAll
    static void setUp() throws Exception {
        model = DefaultModel.ensure(home.resolve("models"));
        ModelConfig config = ModelConfig.load(model);
        Set<Projection> targets = EnumSet.of(Projection.Q, Projection.V);
        adapter = home.resolve("random");
        PeftAdapter.write(RandomLora.create("random", config, 4, targets, 5, 2.0), adapter,
                PeftConfig.of(4, 8, targets, DefaultModel.VERSION));
        data = Cli.example("facts-2.jsonl", home);
    }

    @Test
    void textShowsBothScoresAndExamples() {
        Cli.Run run = Cli.scion("eval", "--model", model.toString(), "--data", data.toString(), "--adapter-dir",
                adapter.toString(), "--show", "2");
        assertEquals(0, run.exit(), run.all());
        // a score line: label, 20 examples, token count, a loss with 4 decimals, exact matches out of 20
        Pattern score = Pattern.compile("(?m)^%s\\s+20\\s+\\d+\\s+\\d+\\.\\d{4}\\s+\\d+/20 \\(");
        assertTrue(Pattern.compile(String.format(score.pattern(), "base")).matcher(run.out()).find(), run.all());
        assertTrue(Pattern.compile(String.format(score.pattern(), "random")).matcher(run.out()).find(), run.all());
        assertTrue(run.out().contains("line 1: Who is the head chef at the Copper Kettle?"), run.all());
        assertTrue(run.out().contains("expected: Bram Osgood."), run.all());
        assertTrue(run.out().contains("line 2: "), run.all());
        assertTrue(!run.out().contains("line 3: "), "--show 2 shows two examples");
    }

    @Test
    void jsonFromAStoreVersionNamesItAndDiffersFromTheBase() throws Exception {
        Path pool = home.resolve("pool");
        AdapterStore store = AdapterStore.open(pool, AdapterStore.fingerprint(ModelConfig.load(model)));
        store.publish("random", adapter, ModelConfig.load(model), PublishSource.UPLOAD, Map.of(), 64);

        Cli.Run run = Cli.scion("eval", "--model", model.toString(), "--data", data.toString(), "--adapters",
                pool.toString(), "--adapter", "random", "--json");
        assertEquals(0, run.exit(), run.all());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("random@1", json.at("/adapter/id").asText());
        assertEquals(20, json.at("/data/used").asInt());
        assertEquals(20, json.at("/base/examples").asInt());
        double adapterLoss = json.at("/adapter/loss").asDouble();
        double baseLoss = json.at("/base/loss").asDouble();
        assertTrue(adapterLoss > 0 && baseLoss > 0, run.out());
        assertNotEquals(baseLoss, adapterLoss, "the adapter changes the model's predictions");
        assertEquals(5, json.get("examples").size(), "five examples by default");

        Cli.Run pinned = Cli.scion("eval", "--model", model.toString(), "--data", data.toString(), "--adapters",
                pool.toString(), "--adapter", "random@2", "--no-base");
        assertEquals(1, pinned.exit(), pinned.all());
        assertTrue(pinned.err().contains("random") && pinned.err().contains("no version 2"), pinned.all());
    }

    @Test
    void conflictingAdapterChoicesAreRefused() {
        Cli.Run both = Cli.scion("eval", "--data", data.toString(), "--adapter-dir", adapter.toString(),
                "--adapter", "x", "--adapters", home.toString());
        assertEquals(1, both.exit(), both.all());
        assertTrue(both.err().contains("not both"), both.all());
        Cli.Run noPool = Cli.scion("eval", "--data", data.toString(), "--adapter", "x");
        if (System.getenv("SCION_ADAPTERS") == null) {
            assertEquals(1, noPool.exit(), noPool.all());
            assertTrue(noPool.err().contains("--adapters"), noPool.all());
        }
    }
}
