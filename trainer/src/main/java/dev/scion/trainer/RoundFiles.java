package dev.scion.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scion.engine.io.AtomicFiles;
import dev.scion.engine.io.Durable;
import dev.scion.trainer.replay.RoundHistory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trainer's folder for one adapter: {@code replay/} (the replay store), {@code data/} (each published round's
 * data), {@code current/} (the unfinished
 * round: {@code round.json}, {@code checkpoints/}, the folder being published) and {@code rounds/} (finished
 * rounds' loss curves and reports, never deleted).
 */
final class RoundFiles {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    RoundFiles(Path root) {
        this.root = root;
    }

    Path replay() {
        return root.resolve("replay");
    }

    /** Every published round's data, whole: see {@link RoundHistory}. */
    RoundHistory history() {
        return new RoundHistory(root.resolve("data"));
    }

    Path current() {
        return root.resolve("current");
    }

    Path checkpoints() {
        return current().resolve("checkpoints");
    }

    Path publishFolder() {
        return current().resolve("publish");
    }

    private Path roundFile() {
        return current().resolve("round.json");
    }

    /** The unfinished round's record, or null when there is none. */
    @SuppressWarnings("unchecked")
    Map<String, Object> readRound() throws IOException {
        Path file = roundFile();
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readValue(file.toFile(), Map.class);
        } catch (IOException e) {
            throw new IOException(file + ": unreadable round record (" + e.getMessage() + "); run without --resume"
                    + " to start the round again", e);
        }
    }

    void writeRound(Map<String, Object> round) throws IOException {
        Files.createDirectories(current());
        AtomicFiles.write(roundFile(), JSON.writeValueAsBytes(round));
    }

    /** Discards the unfinished round (its checkpoints included). */
    void discardCurrent() throws IOException {
        Durable.deleteTree(current());
    }

    /**
     * Moves the finished round out of {@code current/} into {@code rounds/<time>-<label>/}, dropping its
     * checkpoints and publish folder; returns the new folder.
     */
    Path finish(String label) throws IOException {
        Durable.deleteTree(checkpoints());
        Durable.deleteTree(publishFolder());
        Path rounds = root.resolve("rounds");
        Files.createDirectories(rounds);
        String stamp = Instant.now().toString().replace(":", "").replace(".", "-");
        Path target = rounds.resolve(stamp + "-" + label);
        Files.move(current(), target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    static Map<String, Object> map(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
