package dev.scion.trainer.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The corpus builder on the committed WordNet excerpt (eight synsets of each data file). */
class WordNetCorpusTest {
    static final Path EXCERPT = Path.of("src/test/resources/wordnet-excerpt");

    @TempDir
    Path tmp;

    @Test
    void buildsPretrainingTextInstructionPairsAndTheLicenseFromTheDataFiles() throws Exception {
        WordNetCorpus.Report report = WordNetCorpus.build(EXCERPT, tmp, Map.of("package", "test excerpt"));

        assertEquals(32, report.synsets());
        List<String> text = new ArrayList<>(Files.readAllLines(tmp.resolve(WordNetCorpus.PRETRAIN)));
        text.addAll(Files.readAllLines(tmp.resolve(WordNetCorpus.PRETRAIN_HELD_OUT)));
        assertEquals(32, text.size(), "one document per synset, split between training and held out");
        assertEquals(report.pretrainDocs() + report.pretrainHeldOut(), text.size());
        assertTrue(text.contains("abaxial (adjective, also dorsal): facing away from the axis of an organ or organism."
                + " Example: the abaxial surface of a leaf is the underside or side facing away from the stem."), text
                .toString());
        assertTrue(text.contains("entity (noun): that which is perceived or known or inferred to have its own distinct"
                + " existence (living or nonliving)."), text.toString());
        assertTrue(text.contains("breathe (verb, also take a breath, respire, suspire): draw air into, and expel out"
                + " of, the lungs. Examples: I can breathe better when the air is clean; The patient is"
                + " respiring."), text.toString());

        List<String> pairs = new ArrayList<>(Files.readAllLines(tmp.resolve(WordNetCorpus.INSTRUCTIONS)));
        pairs.addAll(Files.readAllLines(tmp.resolve(WordNetCorpus.INSTRUCTIONS_HELD_OUT)));
        assertEquals(report.instructions() + report.instructionsHeldOut(), pairs.size());
        ObjectMapper json = new ObjectMapper();
        List<List<String>> conversations = new ArrayList<>();
        for (String line : pairs) {
            JsonNode messages = json.readTree(line).get("messages");
            assertEquals("user", messages.get(0).get("role").asText());
            assertEquals("assistant", messages.get(1).get("role").asText());
            conversations.add(List.of(messages.get(0).get("content").asText(),
                    messages.get(1).get("content").asText()));
        }
        assertTrue(conversations.contains(List.of("What does \"abaxial\" mean?",
                "Facing away from the axis of an organ or organism.")), conversations.toString());
        assertTrue(conversations.contains(List.of("Use \"abaxial\" in a sentence.",
                "The abaxial surface of a leaf is the underside or side facing away from the stem.")),
                conversations.toString());
        // "respire" names three synsets here; its question is asked once, of the first.
        assertEquals(1, conversations.stream().filter(c -> c.get(0).equals("What does \"respire\" mean?")).count());
        // No example of "entity" contains the word: no sentence pair for it.
        assertTrue(conversations.stream().noneMatch(c -> c.get(0).equals("Use \"entity\" in a sentence.")));

        String license = Files.readString(tmp.resolve(WordNetCorpus.LICENSE), StandardCharsets.UTF_8);
        assertTrue(license.startsWith("This software and database is being provided to you, the LICENSEE, by"),
                license);
        assertTrue(license.contains("WordNet 3.0 Copyright 2006 by Princeton University.  All rights reserved."));
        JsonNode manifest = json.readTree(tmp.resolve(WordNetCorpus.MANIFEST).toFile());
        assertEquals(WordNetCorpus.sha256(EXCERPT.resolve("data.noun")),
                manifest.get("inputs_sha256").get("data.noun").asText());
        assertEquals(WordNetCorpus.sha256(tmp.resolve(WordNetCorpus.PRETRAIN)),
                manifest.get("outputs_sha256").get(WordNetCorpus.PRETRAIN).asText());
    }

    @Test
    void theSameInputGivesTheSameBytesAndTheSplitIsFixed() throws Exception {
        WordNetCorpus.build(EXCERPT, tmp.resolve("a"), Map.of());
        WordNetCorpus.build(EXCERPT, tmp.resolve("b"), Map.of());
        for (String name : List.of(WordNetCorpus.PRETRAIN, WordNetCorpus.PRETRAIN_HELD_OUT,
                WordNetCorpus.INSTRUCTIONS, WordNetCorpus.INSTRUCTIONS_HELD_OUT)) {
            assertEquals(-1L, Files.mismatch(tmp.resolve("a").resolve(name), tmp.resolve("b").resolve(name)), name);
        }
        // The split is a hash of the key alone: these answers are part of the recipe's record.
        assertEquals(List.of(false, false, false), List.of(WordNetCorpus.heldOut("able"),
                WordNetCorpus.heldOut("entity"), WordNetCorpus.heldOut("noun:1740")));
        long heldOut = java.util.stream.IntStream.range(0, 10_000).filter(i -> WordNetCorpus.heldOut("w" + i)).count();
        assertTrue(heldOut > 150 && heldOut < 250, "about 2% held out, got " + heldOut + " of 10000");
    }

    @Test
    void aPackageWithAnotherDigestIsRefusedBeforeItIsUnpacked() throws Exception {
        Path fake = Files.writeString(tmp.resolve("wordnet-base_1%3a3.0-37_all.deb"), "not the package");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> WordNetPackage.extract(fake, tmp.resolve("work")));
        assertTrue(e.getMessage().contains("not the recorded " + WordNetPackage.DEB_SHA256), e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("work").resolve("extracted")));
    }

    @Test
    void aGlossSplitsIntoItsDefinitionAndQuotedExamples() {
        Synset s = WordNetReader.parseData("00014358 00 s 02 abounding 0 galore(ip) 0 001 & 00013887 a 0000 |"
                + " existing in abundance; \"abounding confidence\"; \"whiskey galore\"  ", Synset.PartOfSpeech.ADJECTIVE);
        assertEquals(14358, s.offset());
        assertEquals(List.of("abounding", "galore"), s.words());
        assertEquals("existing in abundance", s.definition());
        assertEquals(List.of("abounding confidence", "whiskey galore"), s.examples());
        assertEquals("whiskey galore", WordNetCorpus.exampleWith(s, "galore"));
    }
}
