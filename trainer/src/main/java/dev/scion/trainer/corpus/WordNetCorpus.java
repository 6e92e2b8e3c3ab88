package dev.scion.trainer.corpus;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Builds the embedded model's corpus from WordNet 3.0's database folder (the files {@code data.*} and
 * {@code index.*}): pretraining text, one synset a line ("able (adjective): having the necessary means ...
 * Examples: able to swim."), and instruction pairs in the chat {@code messages} format, "What does "able" mean?"
 * answered with the gloss of the lemma's most common sense, and "Use "able" in a sentence." with one of its
 * example sentences that contains the lemma. Both have a fixed held-out split by a hash of the synset or the
 * lemma (the same in every build), and the output is a pure function of the input files.
 */
public final class WordNetCorpus {
    public static final String PRETRAIN = "pretrain.txt";
    public static final String PRETRAIN_HELD_OUT = "pretrain-heldout.txt";
    public static final String INSTRUCTIONS = "instructions.jsonl";
    public static final String INSTRUCTIONS_HELD_OUT = "instructions-heldout.jsonl";
    public static final String MANIFEST = "corpus.json";
    public static final String LICENSE = "LICENSE-WordNet.txt";

    /** Percent of synsets held out of the pretraining text, and of lemmas out of the instruction pairs. */
    public static final int HELD_OUT_PERCENT = 2;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LICENSE_LINE = Pattern.compile("^  \\d+ ?(.*?)\\s*$");

    /** What a build wrote. */
    public record Report(int synsets, int pretrainDocs, int pretrainHeldOut, int instructions,
            int instructionsHeldOut, long pretrainBytes) {}

    private WordNetCorpus() {}

    public static Report build(Path dict, Path out, Map<String, Object> provenance) throws IOException {
        Files.createDirectories(out);
        List<String> pretrain = new ArrayList<>();
        List<String> pretrainHeldOut = new ArrayList<>();
        Map<Synset.PartOfSpeech, Map<Long, Synset>> byPos = new LinkedHashMap<>();
        int synsets = 0;
        for (Synset.PartOfSpeech pos : Synset.PartOfSpeech.values()) {
            List<Synset> all = WordNetReader.synsets(dict.resolve(pos.dataFile()), pos);
            byPos.put(pos, WordNetReader.byOffset(all));
            for (Synset s : all) {
                synsets++;
                String doc = document(s);
                if (doc == null) {
                    continue;
                }
                (heldOut(pos.word() + ":" + s.offset()) ? pretrainHeldOut : pretrain).add(doc);
            }
        }
        Map<String, WordNetReader.FirstSense> senses = new LinkedHashMap<>();
        for (Synset.PartOfSpeech pos : Synset.PartOfSpeech.values()) {
            Path index = dict.resolve(pos.indexFile());
            if (!Files.isRegularFile(index)) {
                continue; // an excerpt without index files: every synset's first lemma counts as its first sense
            }
            for (WordNetReader.FirstSense f : WordNetReader.firstSenses(index, pos)) {
                WordNetReader.FirstSense other = senses.get(f.lemma());
                // The part of speech the lemma is most often tagged in; on a tie the earlier one (noun first).
                if (other == null || f.taggedSenses() > other.taggedSenses()) {
                    senses.put(f.lemma(), f);
                }
            }
        }
        if (senses.isEmpty()) {
            for (var e : byPos.entrySet()) {
                for (Synset s : e.getValue().values()) {
                    senses.putIfAbsent(s.words().get(0),
                            new WordNetReader.FirstSense(s.words().get(0), e.getKey(), s.offset(), 0));
                }
            }
        }
        List<String> pairs = new ArrayList<>();
        List<String> pairsHeldOut = new ArrayList<>();
        for (WordNetReader.FirstSense f : senses.values()) {
            Synset s = byPos.get(f.pos()).get(f.offset());
            if (s == null || s.definition().isEmpty()) {
                continue;
            }
            List<String> target = heldOut(f.lemma()) ? pairsHeldOut : pairs;
            target.add(pair("What does \"" + f.lemma() + "\" mean?", sentence(s.definition())));
            String example = exampleWith(s, f.lemma());
            if (example != null) {
                target.add(pair("Use \"" + f.lemma() + "\" in a sentence.", sentence(example)));
            }
        }
        long bytes = writeLines(out.resolve(PRETRAIN), pretrain);
        writeLines(out.resolve(PRETRAIN_HELD_OUT), pretrainHeldOut);
        writeLines(out.resolve(INSTRUCTIONS), pairs);
        writeLines(out.resolve(INSTRUCTIONS_HELD_OUT), pairsHeldOut);
        writeLines(out.resolve(LICENSE), license(dict.resolve(Synset.PartOfSpeech.NOUN.dataFile())));
        Report report = new Report(synsets, pretrain.size(), pretrainHeldOut.size(), pairs.size(), pairsHeldOut.size(),
                bytes);
        writeManifest(dict, out, provenance, report);
        return report;
    }

    /** A synset as one line of English, or null when it has no gloss. */
    static String document(Synset s) {
        if (s.definition().isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder(s.words().get(0)).append(" (").append(s.pos().word());
        if (s.words().size() > 1) {
            b.append(", also ").append(String.join(", ", s.words().subList(1, s.words().size())));
        }
        b.append("): ").append(s.definition()).append('.');
        if (!s.examples().isEmpty()) {
            b.append(s.examples().size() == 1 ? " Example: " : " Examples: ")
                    .append(String.join("; ", s.examples())).append('.');
        }
        return b.toString();
    }

    /** The first example sentence that contains the lemma as a word, or null. */
    static String exampleWith(Synset s, String lemma) {
        Pattern word = Pattern.compile("(?i)(?<![\\p{L}])" + Pattern.quote(lemma) + "(?![\\p{L}])");
        for (String e : s.examples()) {
            if (word.matcher(e).find()) {
                return e;
            }
        }
        return null;
    }

    private static String sentence(String text) {
        String t = text.strip();
        String first = t.substring(0, 1).toUpperCase(Locale.ROOT) + t.substring(1);
        return first.endsWith(".") || first.endsWith("?") || first.endsWith("!") ? first : first + ".";
    }

    private static String pair(String question, String answer) {
        ObjectNode line = JSON.createObjectNode();
        ArrayNode messages = line.putArray("messages");
        messages.addObject().put("role", "user").put("content", question);
        messages.addObject().put("role", "assistant").put("content", answer);
        try {
            return JSON.writeValueAsString(line);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fixed split: FNV-1a of the key, the same in every build and JVM. */
    static boolean heldOut(String key) {
        long h = 0xCBF29CE484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001B3L;
        }
        return Long.remainderUnsigned(h, 100) < HELD_OUT_PERCENT;
    }

    /** The license header of a data file, line numbers removed: it must accompany every copy. */
    static List<String> license(Path dataFile) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(dataFile, StandardCharsets.UTF_8)) {
            if (!line.startsWith("  ")) {
                break;
            }
            var m = LICENSE_LINE.matcher(line);
            lines.add(m.matches() ? m.group(1) : line.strip());
        }
        return lines;
    }

    private static long writeLines(Path file, List<String> lines) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
            b.append(line).append('\n');
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, bytes);
        return bytes.length;
    }

    private static void writeManifest(Path dict, Path out, Map<String, Object> provenance, Report report)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("source", "WordNet 3.0, Princeton University");
        provenance.forEach((k, v) -> root.put(k, String.valueOf(v)));
        ObjectNode inputs = root.putObject("inputs_sha256");
        for (Synset.PartOfSpeech pos : Synset.PartOfSpeech.values()) {
            for (String name : List.of(pos.dataFile(), pos.indexFile())) {
                Path f = dict.resolve(name);
                if (Files.isRegularFile(f)) {
                    inputs.put(name, sha256(f));
                }
            }
        }
        ObjectNode outputs = root.putObject("outputs_sha256");
        for (String name : List.of(PRETRAIN, PRETRAIN_HELD_OUT, INSTRUCTIONS, INSTRUCTIONS_HELD_OUT)) {
            outputs.put(name, sha256(out.resolve(name)));
        }
        root.put("synsets", report.synsets());
        root.put("pretrain_documents", report.pretrainDocs());
        root.put("pretrain_held_out", report.pretrainHeldOut());
        root.put("pretrain_bytes", report.pretrainBytes());
        root.put("instruction_pairs", report.instructions());
        root.put("instruction_pairs_held_out", report.instructionsHeldOut());
        root.put("held_out_percent", HELD_OUT_PERCENT);
        AtomicFiles.write(out.resolve(MANIFEST), JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsBytes(root));
    }

    public static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
