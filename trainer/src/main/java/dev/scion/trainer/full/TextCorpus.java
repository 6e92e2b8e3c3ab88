package dev.scion.trainer.full;

import dev.scion.engine.text.Tokenizer;
import dev.scion.trainer.data.TrainingExample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plain-text pretraining data: one document per line (blank lines skipped), each tokenized and followed by
 * {@code <|endoftext|>}, all of them concatenated and cut into sequences of {@code seqLen} tokens trained on every
 * token (the last, shorter piece is dropped). One document a line keeps the format trivial to write and to
 * check (a corpus builder writes one entry a line, and {@code wc -l} counts documents); a document with line breaks
 * of its own is joined with spaces first.
 */
public final class TextCorpus {
    private TextCorpus() {}

    /** The documents of a file, lines trimmed, blank ones skipped. */
    public static List<String> documents(Path file) throws IOException {
        List<String> docs = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String doc = line.strip();
            if (!doc.isEmpty()) {
                docs.add(doc);
            }
        }
        return docs;
    }

    /** The documents packed into training sequences. */
    public static List<TrainingExample> sequences(List<String> documents, Tokenizer tokenizer, int seqLen) {
        Integer end = tokenizer.tokenId("<|endoftext|>");
        if (end == null) {
            throw new IllegalArgumentException("the tokenizer has no <|endoftext|> token to separate documents");
        }
        int[] stream = new int[1 << 16];
        int n = 0;
        for (String doc : documents) {
            int[] ids = tokenizer.encode(doc);
            if (n + ids.length + 1 > stream.length) {
                stream = Arrays.copyOf(stream, Math.max(stream.length * 2, n + ids.length + 1));
            }
            System.arraycopy(ids, 0, stream, n, ids.length);
            n += ids.length;
            stream[n++] = end;
        }
        List<TrainingExample> out = new ArrayList<>(n / seqLen);
        boolean[] all = new boolean[seqLen];
        Arrays.fill(all, true);
        for (int from = 0; from + seqLen <= n; from += seqLen) {
            out.add(new TrainingExample(Arrays.copyOfRange(stream, from, from + seqLen), all, out.size() + 1, false,
                    List.of()));
        }
        return out;
    }

    /** Tokens of a whole file's text, for figures. */
    public static long tokens(List<TrainingExample> sequences) {
        return sequences.stream().mapToLong(e -> e.tokens().length).sum();
    }
}
