package dev.scion.trainer.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads WordNet 3.0's database files (format in wndb(5WN)). A data line is
 * {@code offset lex_filenum ss_type w_cnt (word lex_id)... p_cnt (pointer)... [frames] | gloss}, with w_cnt in
 * hexadecimal; lines starting with two spaces are the license header. An index line is
 * {@code lemma pos synset_cnt p_cnt (ptr_symbol)... sense_cnt tagsense_cnt (synset_offset)...}, offsets in
 * order of how often the sense was seen in tagged text, so the first is the lemma's most common sense.
 */
public final class WordNetReader {
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
    private static final Pattern ADJECTIVE_MARKER = Pattern.compile("\\((a|p|ip)\\)$");

    /**
     * A lemma's most common sense.
     *
     * @param taggedSenses how many of its senses were seen in tagged text (ranks a lemma's parts of speech)
     */
    public record FirstSense(String lemma, Synset.PartOfSpeech pos, long offset, int taggedSenses) {}

    private WordNetReader() {}

    /** Every synset of one data file, in file order. */
    public static List<Synset> synsets(Path dataFile, Synset.PartOfSpeech pos) throws IOException {
        List<Synset> out = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(dataFile, StandardCharsets.UTF_8)) {
            number++;
            if (line.startsWith("  ") || line.isBlank()) {
                continue;
            }
            try {
                out.add(parseData(line, pos));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(dataFile + ":" + number + ": not a WordNet data line (" + e + ")",
                        e);
            }
        }
        return out;
    }

    static Synset parseData(String line, Synset.PartOfSpeech pos) {
        int bar = line.indexOf(" | ");
        String[] fields = (bar < 0 ? line : line.substring(0, bar)).trim().split(" +");
        long offset = Long.parseLong(fields[0]);
        int wordCount = Integer.parseInt(fields[3], 16);
        List<String> words = new ArrayList<>(wordCount);
        for (int i = 0; i < wordCount; i++) {
            words.add(ADJECTIVE_MARKER.matcher(fields[4 + 2 * i]).replaceFirst("").replace('_', ' '));
        }
        String gloss = bar < 0 ? "" : line.substring(bar + 3).strip();
        List<String> examples = new ArrayList<>();
        Matcher m = QUOTED.matcher(gloss);
        while (m.find()) {
            String example = m.group(1).strip();
            if (!example.isEmpty()) {
                examples.add(example);
            }
        }
        String definition = QUOTED.matcher(gloss).replaceAll("").replaceAll("(\\s*;\\s*)+$", "")
                .replaceAll("\\s*;\\s*(;\\s*)+", "; ").strip();
        return new Synset(offset, pos, words, definition, examples);
    }

    /** Each lemma's most common sense from one index file, in file (alphabetical) order. */
    public static List<FirstSense> firstSenses(Path indexFile, Synset.PartOfSpeech pos) throws IOException {
        List<FirstSense> out = new ArrayList<>();
        for (String line : Files.readAllLines(indexFile, StandardCharsets.UTF_8)) {
            if (line.startsWith("  ") || line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(" +");
            int pointers = Integer.parseInt(f[3]);
            int tagged = Integer.parseInt(f[5 + pointers]);
            long first = Long.parseLong(f[6 + pointers]);
            out.add(new FirstSense(f[0].replace('_', ' '), pos, first, tagged));
        }
        return out;
    }

    /** The synsets of a part of speech by offset. */
    public static Map<Long, Synset> byOffset(List<Synset> synsets) {
        Map<Long, Synset> map = new LinkedHashMap<>();
        for (Synset s : synsets) {
            map.put(s.offset(), s);
        }
        return map;
    }
}
