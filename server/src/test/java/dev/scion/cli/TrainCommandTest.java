package dev.scion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.embedded.DefaultModel;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.store.AdapterManifest;
import dev.scion.engine.store.AdapterStore;
import dev.scion.engine.store.PublishSource;
import dev.scion.trainer.progress.LossCurve;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./scion train} end to end on the embedded model: a real round, a real store, the real files. */
class TrainCommandTest {
    @TempDir
    static Path home;
    static Path model;

    @BeforeAll
    static void embeddedModel() {
        model = DefaultModel.ensure(home.resolve("models"));
    }

    static AdapterStore store(Path pool) throws Exception {
        return AdapterStore.open(pool, AdapterStore.fingerprint(ModelConfig.load(model)));
    }

    /** The path printed after {@code label}, e.g. {@code loss curve: /x/loss.csv}. */
    static Path printedPath(String out, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + "\\s*(.+)$").matcher(out);
        assertTrue(m.find(), label + " not printed:\n" + out);
        return Path.of(m.group(1).strip());
    }

    /** The first {@code n} lines of a bundled example file, as a data file of its own. */
    static Path firstLines(String example, int n, Path dir) throws Exception {
        Path full = Cli.example(example, Files.createDirectories(dir));
        List<String> lines = Files.readAllLines(full).subList(0, n);
        return Files.writeString(dir.resolve("first-" + n + "-" + example), String.join("\n", lines) + "\n");
    }

    /**
     * Round 1 on twelve facts publishes facts@1, which eval finds better than the base. Round 2 trains on other
     * facts without replay or EWC and with no forgetting allowed: it loses some of round 1's facts, so the gate
     * refuses it with exit 2. Twelve facts rather
     * than the walkthrough's thirty keep the two rounds to a few minutes on a CPU.
     */
    @Test
    void aRoundPublishesVersionOneAndTheGateRefusesARoundThatForgets() throws Exception {
        Path data = firstLines("facts-1.jsonl", 12, home.resolve("round1"));
        Files.writeString(data, "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}\n",
                StandardOpenOption.APPEND); // line 13: no answer, skipped and listed
        Path pool = home.resolve("pool");

        Cli.Run train = Cli.scion("train", "--model", model.toString(), "--data", data.toString(), "--adapter",
                "facts", "--adapters", pool.toString(), "--skip-bad-lines");

        assertEquals(0, train.exit(), train.all());
        assertTrue(train.out().contains("published facts@1"), train.all());
        assertTrue(train.out().contains("skipped " + data + ":13:"), train.all());
        assertTrue(Pattern.compile("(?m)^step +1/\\d+ \\[").matcher(train.out()).find(), "progress lines:\n"
                + train.out());
        assertTrue(train.out().contains("gate passed"), train.all());
        List<AdapterManifest> versions = store(pool).versions("facts");
        assertEquals(1, versions.size());
        assertEquals(PublishSource.TRAINER, versions.get(0).source());

        Path csv = printedPath(train.out(), "loss curve:");
        Path png = printedPath(train.out(), "loss plot:");
        List<LossCurve.Point> points = LossCurve.readCsv(csv).points();
        assertFalse(points.isEmpty(), "the curve has the round's steps");
        assertTrue(points.get(points.size() - 1).loss() < points.get(0).loss(), "the loss fell: " + points);
        BufferedImage plot = ImageIO.read(png.toFile());
        assertTrue(plot != null && plot.getWidth() > 0, "loss.png decodes");

        // eval on the same facts: the adapter knows them, the random base does not
        Path facts = firstLines("facts-1.jsonl", 12, home.resolve("eval"));
        Cli.Run eval = Cli.scion("eval", "--model", model.toString(), "--data", facts.toString(), "--adapters",
                pool.toString(), "--adapter", "facts", "--json", "--show", "3");
        assertEquals(0, eval.exit(), eval.all());
        JsonNode scores = new ObjectMapper().readTree(eval.out());
        assertEquals("facts@1", scores.at("/adapter/id").asText());
        assertEquals(12, scores.at("/adapter/examples").asInt());
        assertTrue(scores.at("/adapter/loss").asDouble() < scores.at("/base/loss").asDouble(), eval.out());
        assertTrue(scores.at("/adapter/accuracy").asDouble() > scores.at("/base/accuracy").asDouble(), eval.out());
        assertEquals(3, scores.get("examples").size());
        assertEquals("Quillmar.", scores.at("/examples/0/reference").asText());

        // Round 2 on other facts with nothing holding round 1's in place and no forgetting allowed: the gate checks
        // round 1's facts (the earlier round's data) and refuses the version that lost some of them.
        Path other = firstLines("facts-2.jsonl", 8, home.resolve("round2"));
        Cli.Run forgetful = Cli.scion("train", "--model", model.toString(), "--data", other.toString(),
                "--adapter", "facts", "--adapters", pool.toString(), "--replay-ratio", "0", "--ewc-lambda", "0",
                "--max-forgetting", "0", "--max-epochs", "12");
        assertEquals(TrainCommand.GATE_REFUSED, forgetful.exit(), forgetful.all());
        assertTrue(forgetful.err().matches("(?s).*not published: the gate refused facts's new version: learned \\d+/8 "
                + "new examples .*kept \\d+/12 earlier examples .*was 12/12\\)(: forgetting .* exceeds "
                + "--max-forgetting 0.0%)?.*"), forgetful.all());
        assertTrue(forgetful.out().matches("(?s).*earlier examples kept\\s+12/12 100\\.0%\\s+(\\d|1[01])/12 .*"),
                "some of round 1's facts were lost:\n" + forgetful.all());
        assertTrue(forgetful.out().contains("not published"), forgetful.all());
        assertEquals(1, store(pool).versions("facts").size(), "the refused version was not published");
    }

    @Test
    void aBadLineStopsTheRoundWithItsLineNumberAndPublishesNothing() throws Exception {
        Path data = Files.writeString(home.resolve("bad.jsonl"), String.join("\n",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"a?\"}, {\"role\": \"assistant\", \"content\": \"b\"}]}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"c?\"}, {\"role\": \"assistant\", \"content\": \"d\"}]}",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"e?\"}, {\"role\": \"assistant\", \"content\": 5}]}",
                ""));
        Path pool = home.resolve("bad-pool");
        Cli.Run run = Cli.scion("train", "--model", model.toString(), "--data", data.toString(), "--adapter", "bad",
                "--adapters", pool.toString());
        assertEquals(1, run.exit(), run.all());
        String err = run.err().strip();
        assertTrue(err.startsWith("error: " + data + ":3: messages[1].content: must be a string"), run.all());
        assertEquals(1, err.lines().count(), "one line, no stack trace:\n" + err);
        assertTrue(store(pool).versions("bad").isEmpty());
    }
}
