package dev.scion.engine.lora;

import static dev.scion.engine.lora.PeftRefusalTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.model.Projection;
import dev.scion.engine.weights.TensorData;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The patterns of adapter_config.json are matched in linear time and bounded: what made java.util.regex backtrack for
 * minutes loads at once, and what would be too costly even for a linear matcher is refused naming the field.
 */
class ModulePatternsTest {

    @TempDir
    Path root;

    private ObjectNode config;
    private Map<String, TensorData> tensors;

    @BeforeEach
    void validAdapter() {
        config = AdapterFolders.config();
        tensors = new LinkedHashMap<>();
        AdapterFolders.addFactor(tensors, 0, Projection.Q, 4, 1);
        AdapterFolders.addFactor(tensors, 1, Projection.V, 4, 3);
    }

    private Path folder() throws IOException {
        return AdapterFolders.write(root.resolve("adapter"), config, tensors);
    }

    @Test
    void patternsThatBacktrackForeverInJavaRegexLoadAtOnce() throws IOException {
        // ((.*)*)*X never matches a module path: java.util.regex tries exponentially many ways first (it ran for over
        // a minute on one path), RE2/J one pass over the path
        config.putObject("rank_pattern").put("((.*)*)*X", 2).put("(.*.*)*.q_projX", 3);
        config.putObject("alpha_pattern").put("((.*)*)*Y", 1.0);
        config.put("target_modules", "((.*)*)*\\.(q|v)_proj");
        Path dir = folder();
        LoraAdapter adapter = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> PeftAdapter.load(dir, "linear", AdapterFolders.BASE));
        assertEquals(2, adapter.factors().size());
        adapter.factors().values().forEach(f -> {
            assertEquals(4, f.rank(), "no rank key matched: r");
            assertEquals(2.0, f.scaling(), "no alpha key matched: lora_alpha 8 / r 4");
        });
    }

    @Test
    void lookaroundAndBackreferencesAreRefusedNamingTheField() throws IOException {
        config.put("target_modules", "(?=.*q_proj).*");
        assertRefused(folder(), "adapter_config.json: target_modules: invalid regular expression",
                "no lookaround or backreferences");
        config.putArray("target_modules").add("q_proj").add("v_proj");
        config.putObject("rank_pattern").put("(q)_\\1", 2);
        assertRefused(folder(), "adapter_config.json: rank_pattern key '(q)_\\1': invalid regular expression");
    }

    @Test
    void patternsBeyondTheBoundsAreRefusedNamingTheField() throws IOException {
        config.put("target_modules", "(q|v)_proj|" + "x".repeat(ModulePatterns.MAX_PATTERN_CHARS));
        assertRefused(folder(), "adapter_config.json: target_modules: the pattern has 267 characters; at most 256");
        config.putArray("target_modules").add("q_proj").add("v_proj");
        // 19 characters that RE2 unrolls into 27,000 copies of '.', each tried at every character of every path
        config.putObject("alpha_pattern").put("((.{0,30}){30}){30}", 2.0);
        assertRefused(folder(), "adapter_config.json: alpha_pattern key '((.{0,30}){30}){30}'", "too complex",
                "at most " + ModulePatterns.MAX_UNROLLED_SIZE);
        config.remove("alpha_pattern");
        ObjectNode ranks = config.putObject("rank_pattern");
        for (int i = 0; i <= ModulePatterns.MAX_KEYS; i++) {
            ranks.put("model.layers." + i + ".self_attn.q_proj", 4);
        }
        assertRefused(folder(), "adapter_config.json: rank_pattern has 1025 keys; at most 1024");
    }

    @Test
    void theBoundIsOnAllOfAConfigsPatternsTogether() throws IOException {
        ObjectNode ranks = config.putObject("rank_pattern");
        for (int i = 0; i < 40; i++) {
            ranks.put("layers\\." + i + "\\.self_attn\\.(k|o)_proj{1,20}", 4); // each well under the bound alone
        }
        assertRefused(folder(), "rank_pattern key", "too complex");
        config.remove("rank_pattern");
        for (int i = 0; i < 3; i++) {
            config.putObject("rank_pattern").put("layers\\." + i + "\\.self_attn\\.(k|o)_proj{1,20}", 4);
        }
        assertEquals(2, PeftAdapter.load(folder(), "few", AdapterFolders.BASE).factors().size());
    }

    @Test
    void plainKeysMeanWhatTheirRegexMeans() {
        List<String> paths = List.of("model.layers.1.self_attn.q_proj", "model.layers.11.self_attn.q_proj",
                "model.layers.1.mlp.down_proj", "model.layers.21.self_attn.q_proj");
        List<String> keys = List.of("q_proj", "proj", "layers.1.self_attn.q_proj", "1.self_attn.q_proj",
                "model.layers.1.self_attn.q_proj", "layers.1.mlp.down_proj", "layers.1", "down-proj", "layers..1");
        for (String key : keys) {
            Map<String, Integer> one = Map.of(key, 7);
            ModulePatterns plain = ModulePatterns.of(null, one, Map.of());
            java.util.regex.Pattern regex = java.util.regex.Pattern.compile("(.*\\.)?(" + key + ")$");
            for (String path : paths) {
                assertEquals(regex.matcher(path).matches(), plain.rankFor(path) != null, key + " on " + path);
            }
        }
        ModulePatterns target = ModulePatterns.of("model.layers.1.self_attn.q_proj", Map.of(), Map.of());
        assertTrue(target.targetRegexMatches("model.layers.1.self_attn.q_proj"));
        assertTrue(!target.targetRegexMatches("model.layers.11.self_attn.q_proj"), "a full match, not a suffix");
        assertNull(ModulePatterns.of(null, Map.of(), Map.of()).rankFor("model.layers.1.self_attn.q_proj"));
    }

    @Test
    void unrolledSizesCountCopiesOfCountedRepetitions() {
        assertEquals(27000, RegexSize.unrolled("((.{0,30}){30}){30}"));
        assertTrue(RegexSize.unrolled("model\\.layers\\.\\d{1,3}\\.self_attn\\.(q|v)_proj") < 64);
        assertTrue(RegexSize.unrolled("\\p{Greek}{2}[a-z{}]{3}(?i:ab)(?P<x>c)") < 16, "braces of escapes and classes");
        assertTrue(RegexSize.unrolled("(a{1000}){1000}") >= 1_000_000);
        assertEquals(4, RegexSize.unrolled("\\Qa{9}\\E"), "quoted text is literal: a, {, 9 and }");
    }
}
