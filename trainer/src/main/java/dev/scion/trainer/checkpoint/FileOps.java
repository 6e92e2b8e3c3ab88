package dev.scion.trainer.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The one file-system step of checkpoints the engine's {@code Durable} (folder syncs, tree deletes) and
 * {@code Sha256} do not cover.
 */
final class FileOps {
    private FileOps() {}

    /** Renames in one step, so that no name ever shows a folder half moved; fails where that is impossible. */
    static void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }
}
