package dev.scion.engine.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An upload staged in the store's own temp area ({@code <root>/.tmp-<random>/}, locked by this process until
 * {@link #close}): its parts are written to {@link #parts()}, the caller assembles the PEFT files in
 * {@link #adapter()} (moving parts there, or unpacking an archive), and
 * {@link AdapterStore#publish(String, StoreUpload, dev.scion.engine.model.ModelConfig, PublishSource,
 * java.util.Map, int)} validates that folder where it lies and renames it into place: the bytes are written once,
 * on the store's own file system. {@link #close} removes whatever is left; a process killed before that leaves a
 * temp folder whose lock died with it, which the next {@link AdapterStore#open} removes.
 */
public final class StoreUpload implements AutoCloseable {
    private static final String PARTS = "parts";

    private final Path root;
    private final TempFolders.Owned temp;

    private StoreUpload(Path root, TempFolders.Owned temp) {
        this.root = root;
        this.temp = temp;
    }

    static StoreUpload create(Path root, StoreLock lock) throws IOException {
        TempFolders.Owned temp = TempFolders.create(root, lock);
        try {
            Files.createDirectory(temp.dir().resolve(PARTS));
            Files.createDirectory(temp.payload());
            return new StoreUpload(root, temp);
        } catch (IOException | RuntimeException e) {
            temp.close();
            throw e;
        }
    }

    /** Where the upload's parts are written as they arrive. */
    public Path parts() {
        return temp.dir().resolve(PARTS);
    }

    /** The (empty) folder to assemble the adapter's files in; publishing renames it into place. */
    public Path adapter() {
        return temp.payload();
    }

    Path root() {
        return root;
    }

    TempFolders.Owned temp() {
        return temp;
    }

    @Override
    public void close() throws IOException {
        temp.close();
    }
}
