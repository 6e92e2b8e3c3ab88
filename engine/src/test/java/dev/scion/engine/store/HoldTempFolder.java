package dev.scion.engine.store;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child process for {@link AdapterStoreCrashTest}: owns a publish temp folder, as a publisher in the middle
 * of copying does, prints its path and holds it until killed or its input ends. Argument: store root.
 */
public final class HoldTempFolder {

    private HoldTempFolder() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toRealPath();
        try (TempFolders.Owned temp = TempFolders.create(root, new StoreLock(root))) {
            Files.createDirectory(temp.payload());
            Files.writeString(temp.payload().resolve("adapter_config.json"), "{}");
            System.out.println("holding " + temp.payload().getParent());
            System.out.flush();
            while (System.in.read() >= 0) {
                // Held until the parent closes our input or kills us.
            }
        }
    }
}
