package dev.scion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scion.engine.embedded.DefaultModel;
import dev.scion.engine.model.ModelConfig;
import dev.scion.server.PoisonedLora;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./scion generate} as a user runs it, on the embedded model and on a folder without tokenizer files. */
class GenerateCommandTest {
    @TempDir
    static Path home;
    static Path model;

    @BeforeAll
    static void embeddedModel() {
        model = DefaultModel.ensure(home.resolve("models"));
    }

    record Run(int exit, String out, String err) {}

    static Run scion(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cli = new CommandLine(new ScionCli());
            cli.setErr(new PrintWriter(err, true));
            cli.setOut(new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true));
            cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
                cmd.getErr().println("error: " + e.getMessage());
                return 1;
            });
            int exit = cli.execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void aSequenceWhoseLogitsTurnNonFiniteIsAnErrorNotAResult() throws Exception {
        PoisonedLora poison = PoisonedLora.find(model, ModelConfig.load(model));
        Path adapter = poison.write(home.resolve("poisoned"));
        Run failed = scion("generate", "--model", model.toString(), "--adapter", adapter.toString(), "--ids",
                ids(poison.unsafePrompt()), "--max-tokens", "4", "--json");
        assertEquals(1, failed.exit(), failed.out() + failed.err());
        assertTrue(failed.err().contains("non-finite logits"), failed.err());
        assertFalse(failed.out().contains("finish_reason"), "no result is printed: " + failed.out());
        Run fine = scion("generate", "--model", model.toString(), "--adapter", adapter.toString(), "--ids",
                ids(poison.safe()), "--max-tokens", "1", "--json");
        assertEquals(0, fine.exit(), "the same adapter on safe tokens: " + fine.err());
    }

    private static String ids(int[] ids) {
        return java.util.Arrays.stream(ids).mapToObj(String::valueOf).collect(java.util.stream.Collectors.joining(","));
    }

    @Test
    void jsonOutputCarriesIdsTextUsageAndLogprobs() throws Exception {
        Run run = scion("generate", "--model", model.toString(), "--chat", "Hi", "--max-tokens", "5", "--json",
                "--top-logprobs", "3");
        assertEquals(0, run.exit(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(5, json.get("token_ids").size());
        assertEquals("length", json.get("finish_reason").asText());
        assertEquals(5, json.at("/usage/completion_tokens").asInt());
        int prompt = json.at("/usage/prompt_tokens").asInt();
        assertTrue(prompt > 5, "the ChatML prompt has its special tokens and role lines");
        assertEquals(prompt + 5, json.at("/usage/total_tokens").asInt());
        JsonNode first = json.get("logprobs").get(0);
        assertEquals(json.get("token_ids").get(0).asInt(), first.get("token_id").asInt());
        assertEquals(3, first.get("top_logprobs").size());
        // greedy: the chosen token is the most likely one
        assertEquals(first.get("top_logprobs").get(0).get("token_id").asInt(), first.get("token_id").asInt());
        assertTrue(first.get("logprob").asDouble() <= 0);
    }

    @Test
    void idsWorkOnACheckpointWithoutTokenizerFiles() throws Exception {
        Path bare = home.resolve("bare");
        Files.createDirectories(bare);
        for (String f : new String[] {"config.json", "generation_config.json", "model.safetensors"}) {
            Files.copy(model.resolve(f), bare.resolve(f));
        }
        Run withTokenizer = scion("generate", "--model", model.toString(), "--ids", "5,6,7", "--max-tokens", "4",
                "--json", "--ignore-eos");
        Run without = scion("generate", "--model", bare.toString(), "--ids", "5,6,7", "--max-tokens", "4", "--json",
                "--ignore-eos");
        assertEquals(0, without.exit(), without.err());
        ObjectMapper mapper = new ObjectMapper();
        assertEquals(mapper.readTree(withTokenizer.out()).get("token_ids"), mapper.readTree(without.out()).get("token_ids"));
        assertEquals("", mapper.readTree(without.out()).get("text").asText());

        Run prompt = scion("generate", "--model", bare.toString(), "--prompt", "hello");
        assertEquals(1, prompt.exit());
        assertTrue(prompt.err().contains("no tokenizer.json"), prompt.err());
    }

    @Test
    void sameSeedSameTextAndBadInputIsExplained() {
        String[] args = {"generate", "--model", model.toString(), "--prompt", "The", "--temperature", "1",
                "--seed", "9", "--max-tokens", "12", "--ignore-eos"};
        Run a = scion(args);
        Run b = scion(args);
        assertEquals(0, a.exit(), a.err());
        assertEquals(a.out(), b.out());

        Run missing = scion("generate", "--model", home.resolve("nope").toString(), "--prompt", "x");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("nope"), missing.err());
        Run badTemperature = scion("generate", "--model", model.toString(), "--prompt", "x", "--temperature", "3");
        assertEquals(1, badTemperature.exit());
        assertTrue(badTemperature.err().contains("temperature"), badTemperature.err());
        Run twoInputs = scion("generate", "--prompt", "x", "--ids", "1");
        assertEquals(2, twoInputs.exit(), "picocli usage error");
        assertTrue(twoInputs.err().contains("mutually exclusive"), twoInputs.err());
    }

    @Test
    void helpExplainsEveryOption() {
        Run help = scion("generate", "--help");
        assertEquals(0, help.exit());
        for (String option : new String[] {"--model", "--adapter", "--prompt", "--chat", "--ids", "--max-tokens",
                "--temperature", "--seed", "--json", "--top-logprobs", "--device", "--dtype"}) {
            assertTrue(help.out().contains(option), option + " missing from help:\n" + help.out());
        }
        Run top = scion("--help");
        assertTrue(top.out().contains("generate") && top.out().contains("bench"), top.out());
    }
}
