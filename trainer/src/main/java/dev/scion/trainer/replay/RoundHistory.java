package dev.scion.trainer.replay;

import dev.scion.engine.io.AtomicFiles;
import dev.scion.trainer.data.ChatMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The new data of every round that published, kept whole (the replay store is a bounded sample): one file per
 * version, {@code v<N>.jsonl} in the replay file's format. Later rounds check their forgetting on it, and the
 * learning report's matrix (accuracy on each round's data after each round) is computed from it.
 */
public final class RoundHistory {
    private final Path dir;

    public RoundHistory(Path dir) {
        this.dir = dir;
    }

    private Path file(int version) {
        return dir.resolve("v" + version + ".jsonl");
    }

    /** Records the data of the round that published {@code version}; writing it again replaces it atomically. */
    public void write(int version, List<List<ChatMessage>> conversations) throws IOException {
        Files.createDirectories(dir);
        AtomicFiles.write(file(version), ReplayFile.toBytes(conversations));
    }

    /** The data the round that published {@code version} was trained on, or null when none was recorded. */
    public List<List<ChatMessage>> read(int version) throws IOException {
        Path file = file(version);
        return Files.isRegularFile(file) ? ReplayFile.read(file) : null;
    }
}
