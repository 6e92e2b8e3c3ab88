package dev.scion.trainer.corpus;

import java.util.List;

/**
 * One WordNet synset as the corpus uses it.
 *
 * @param offset its byte offset in its data file (WordNet's id for it within a part of speech)
 * @param pos noun, verb, adjective or adverb
 * @param words its lemmas in WordNet's order, underscores as spaces, adjective markers like {@code (p)} dropped
 * @param definition the gloss without its example sentences
 * @param examples the gloss's quoted example sentences, quotes removed
 */
public record Synset(long offset, PartOfSpeech pos, List<String> words, String definition, List<String> examples) {

    public Synset {
        words = List.copyOf(words);
        examples = List.copyOf(examples);
    }

    /** WordNet's four data files. */
    public enum PartOfSpeech {
        NOUN("noun"), VERB("verb"), ADJECTIVE("adj"), ADVERB("adv");

        private final String fileSuffix;

        PartOfSpeech(String fileSuffix) {
            this.fileSuffix = fileSuffix;
        }

        /** {@code data.noun}, {@code data.adj}, ... */
        public String dataFile() {
            return "data." + fileSuffix;
        }

        public String indexFile() {
            return "index." + fileSuffix;
        }

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
