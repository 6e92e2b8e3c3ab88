package dev.scion.engine.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Learns byte-level BPE merges: start from the 256 byte symbols, then repeatedly join the most
 * frequent pair of neighbouring symbols inside pre-tokenized words. Ties go to the pair whose
 * strings sort first, so training is deterministic.
 */
final class BpeTrainer {

    /**
     * @param vocab  token string by id: the 256 byte symbols, then one entry per new merged string
     * @param merges the learned pairs, in the order they apply
     */
    record Result(List<String> vocab, List<String[]> merges) {
    }

    private BpeTrainer() {
    }

    static Result train(Matcher preTokens, int maxMerges) {
        Map<String, Integer> wordCounts = new LinkedHashMap<>();
        while (preTokens.find()) {
            wordCounts.merge(ByteLevelAlphabet.encode(preTokens.group()), 1, Integer::sum);
        }
        List<String> vocab = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            String symbol = String.valueOf(ByteLevelAlphabet.symbol(b));
            ids.put(symbol, vocab.size());
            vocab.add(symbol);
        }
        List<int[]> words = new ArrayList<>(); // each word as symbol ids
        int[] counts = new int[wordCounts.size()];
        for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
            String word = e.getKey();
            int[] symbols = new int[word.length()];
            for (int i = 0; i < word.length(); i++) {
                symbols[i] = ids.get(String.valueOf(word.charAt(i)));
            }
            counts[words.size()] = e.getValue();
            words.add(symbols);
        }
        // Pair counts are kept up to date as merges rewrite words, and each pair knows the words it may occur in,
        // so a merge touches only those words: the result is the same as recounting everything each round (the
        // pairs and counts are the same), but a corpus of megabytes trains in seconds instead of hours.
        Map<Long, Integer> pairCounts = new HashMap<>();
        Map<Long, List<Integer>> pairWords = new HashMap<>();
        for (int w = 0; w < words.size(); w++) {
            addPairs(words.get(w), counts[w], w, pairCounts, pairWords);
        }
        List<String[]> merges = new ArrayList<>();
        while (merges.size() < maxMerges) {
            long best = bestPair(pairCounts, vocab);
            if (best < 0) {
                break;
            }
            int left = (int) (best >>> 32);
            int right = (int) best;
            String joined = vocab.get(left) + vocab.get(right);
            Integer mergedId = ids.get(joined);
            if (mergedId == null) {
                mergedId = vocab.size();
                ids.put(joined, mergedId);
                vocab.add(joined);
            }
            merges.add(new String[]{vocab.get(left), vocab.get(right)});
            List<Integer> candidates = pairWords.remove(best);
            int previous = -1;
            for (int w : candidates) {
                if (w == previous) {
                    continue; // a word is listed once per occurrence of the pair
                }
                previous = w;
                int[] before = words.get(w);
                int[] after = replace(before, left, right, mergedId);
                if (after != before) {
                    addPairs(before, -counts[w], -1, pairCounts, null);
                    addPairs(after, counts[w], w, pairCounts, pairWords);
                    words.set(w, after);
                }
            }
        }
        return new Result(List.copyOf(vocab), List.copyOf(merges));
    }

    /** Adds {@code count} for each adjacent pair of a word (removing pairs that reach 0), noting where pairs occur. */
    private static void addPairs(int[] symbols, int count, int word, Map<Long, Integer> pairCounts,
            Map<Long, List<Integer>> pairWords) {
        for (int i = 0; i + 1 < symbols.length; i++) {
            long pair = ((long) symbols[i] << 32) | symbols[i + 1];
            int total = pairCounts.getOrDefault(pair, 0) + count;
            if (total == 0) {
                pairCounts.remove(pair);
            } else {
                pairCounts.put(pair, total);
            }
            if (pairWords != null) {
                List<Integer> list = pairWords.computeIfAbsent(pair, k -> new ArrayList<>());
                if (list.isEmpty() || list.get(list.size() - 1) != word) {
                    list.add(word);
                }
            }
        }
    }

    /** The most frequent adjacent pair as {@code left << 32 | right}, or -1 when no word has two symbols. */
    private static long bestPair(Map<Long, Integer> pairCounts, List<String> vocab) {
        long best = -1;
        int bestCount = 0;
        for (Map.Entry<Long, Integer> e : pairCounts.entrySet()) {
            long pair = e.getKey();
            int count = e.getValue();
            if (count > bestCount || (count == bestCount && sortsBefore(pair, best, vocab))) {
                best = pair;
                bestCount = count;
            }
        }
        return best;
    }

    private static boolean sortsBefore(long pair, long other, List<String> vocab) {
        int byLeft = vocab.get((int) (pair >>> 32)).compareTo(vocab.get((int) (other >>> 32)));
        return byLeft != 0 ? byLeft < 0 : vocab.get((int) pair).compareTo(vocab.get((int) other)) < 0;
    }

    private static int[] replace(int[] symbols, int left, int right, int merged) {
        int[] out = new int[symbols.length];
        int n = 0;
        for (int i = 0; i < symbols.length; i++) {
            if (i + 1 < symbols.length && symbols[i] == left && symbols[i + 1] == right) {
                out[n++] = merged;
                i++;
            } else {
                out[n++] = symbols[i];
            }
        }
        return n == symbols.length ? symbols : Arrays.copyOf(out, n);
    }
}
