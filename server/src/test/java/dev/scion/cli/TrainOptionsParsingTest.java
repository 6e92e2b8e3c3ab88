package dev.scion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scion.engine.model.Projection;
import dev.scion.trainer.TrainOptions;
import dev.scion.trainer.data.DatasetFormat;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code train}'s options: defaults from TrainOptions.defaults(), overrides only where given, clear refusals. */
class TrainOptionsParsingTest {
    @TempDir
    Path dir;

    static TrainOptions parse(String... args) {
        TrainCommand command = new TrainCommand();
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    @Test
    void nothingGivenIsExactlyTheDefaults() {
        assertEquals(TrainOptions.defaults(), parse("--data", "x.jsonl", "--adapter", "a"));
    }

    @Test
    void givenOptionsOverrideAndTheRestStayDefault() {
        TrainOptions parsed = parse("--data", "x.jsonl", "--adapter", "a", "--rank", "4", "--targets", "q_proj, v_proj",
                "--rslora", "--schedule", "LINEAR", "--epochs", "3", "--format", "openai", "--from", "base",
                "--no-keep-optimizer", "--canary-percent", "10", "--learning-rate", "1e-4", "--skip-bad-lines");
        TrainOptions expected = TrainOptions.defaults().with(b -> {
            b.rank = 4;
            b.targets = EnumSet.of(Projection.Q, Projection.V);
            b.rslora = true;
            b.schedule = TrainOptions.Schedule.LINEAR;
            b.epochs = 3;
            b.format = DatasetFormat.OPENAI_MESSAGES;
            b.from = "base";
            b.keepOptimizer = false;
            b.canaryPercent = 10;
            b.learningRate = 1e-4;
            b.skipBadLines = true;
        });
        assertEquals(expected, parsed);
    }

    @Test
    void negatableFlagsSetBothWays() {
        assertTrue(parse("--data", "x", "--adapter", "a", "--keep-optimizer").keepOptimizer());
        assertFalse(parse("--data", "x", "--adapter", "a", "--no-rslora").rslora());
        assertTrue(parse("--data", "x", "--adapter", "a", "--train-on-prompt").trainOnPrompt());
        assertEquals(EnumSet.allOf(Projection.class), parse("--data", "x", "--adapter", "a", "--targets", "all")
                .targets());
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse("--data", "x", "--adapter", "a", "--targets", "q_proj,qq_proj"));
        assertTrue(e.getMessage().contains("--targets") && e.getMessage().contains("qq_proj"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> parse("--data", "x", "--adapter", "a", "--schedule", "step"));
        assertTrue(e.getMessage().contains("--schedule"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--data", "x", "--adapter", "a", "--rank", "0"));
        assertTrue(e.getMessage().contains("rank"), e.getMessage());
    }

    @Test
    void refusalsBeforeAnyModelIsLoadedExitOneWithOneLine() throws Exception {
        Path data = java.nio.file.Files.writeString(dir.resolve("d.jsonl"), "{}\n");
        Cli.Run badRank = Cli.scion("train", "--data", data.toString(), "--adapter", "a", "--adapters",
                dir.resolve("pool").toString(), "--rank", "0", "--model", dir.resolve("no-model").toString());
        assertEquals(1, badRank.exit(), badRank.all());
        assertEquals("error: rank must be 1 to 512, got 0", badRank.err().strip());

        Cli.Run missing = Cli.scion("train", "--data", dir.resolve("nope.jsonl").toString(), "--adapter", "a",
                "--adapters", dir.resolve("pool").toString());
        assertEquals(1, missing.exit(), missing.all());
        assertTrue(missing.err().contains("--data " + dir.resolve("nope.jsonl") + ": no such file"), missing.all());
        assertFalse(missing.err().contains("\tat "), "no stack trace for a user error");
    }

    @Test
    void helpShowsEveryOptionWithTheDefaultsARoundUses() {
        Cli.Run help = Cli.scion("train", "--help");
        assertEquals(0, help.exit());
        TrainOptions d = TrainOptions.defaults();
        for (String shown : new String[] {"LoRA rank (default: " + d.rank() + ")",
                "Train exactly N passes over the data, without early stopping (default: none, train to the target)",
                "may take; the learning-rate schedule spans them (default: " + d.maxEpochs() + ")",
                "--target-exact-match", "--target-loss", "--min-learned=",
                "(default: " + d.learningRate() + ")", "--[no-]keep-optimizer", "--eval-data", "--resume",
                "--from=latest|N|base", "--canary-percent", "--max-forgetting", "--save-steps", "--ewc-lambda",
                "--replay-ratio", "--replay-capacity", "--eval-fraction", "--format=auto|alpaca|sharegpt|openai",
                "Exit status"}) {
            assertTrue(help.out().replaceAll("\\s+", " ").contains(shown), shown + " missing from:\n" + help.out());
        }
        Cli.Run top = Cli.scion("--help");
        for (String command : new String[] {"train", "eval", "merge"}) {
            assertTrue(top.out().contains(command), command + " missing from:\n" + top.out());
        }
    }

    /** A wrong command line is not mistaken for a refused gate (2): it exits with EX_USAGE. */
    @Test
    void aWrongCommandLineExitsWithTheUsageCode() {
        Cli.Run run = Cli.scion("train", "--data", "x.jsonl", "--adapter", "a", "--epochs", "many");
        assertEquals(ScionCli.USAGE_ERROR, run.exit(), run.err());
        assertTrue(run.err().contains("--epochs"), run.err());
        assertEquals(ScionCli.USAGE_ERROR, Cli.scion("serve", "--no-such-option").exit());
    }
}
