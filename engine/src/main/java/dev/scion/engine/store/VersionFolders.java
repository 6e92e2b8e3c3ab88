package dev.scion.engine.store;

import dev.scion.engine.io.AtomicFiles;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.model.ModelFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The version folders of one adapter name ({@code <root>/<name>/<version>/}) and their verification. */
final class VersionFolders {

    /** The PEFT files a version holds, and the only files taken from a folder being published. */
    static final List<String> PEFT_FILES = List.of("adapter_config.json", PeftAdapter.WEIGHTS_FILE);

    /**
     * The trainer's state for continuing a version (EWC's Fisher information, optimizer moments): optional,
     * safetensors only, checksummed with the PEFT files.
     */
    static final String TRAINER_STATE_FILE = "trainer_state.safetensors";

    /** Highest version ever allocated for a name, so a deleted version's number is never handed out again. */
    static final String COUNTER_FILE = "last-version";

    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");

    private VersionFolders() {}

    /** Every folder named like a version, verified or not, by version. Empty when the name folder does not exist. */
    static NavigableMap<Integer, Path> list(Path nameDir) throws IOException {
        NavigableMap<Integer, Path> versions = new TreeMap<>();
        if (!Files.isDirectory(nameDir, LinkOption.NOFOLLOW_LINKS)) {
            return versions;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(nameDir)) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                if (VERSION.matcher(file).matches() && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    versions.put(Integer.parseInt(file), entry);
                }
            }
        }
        return versions;
    }

    /**
     * Reads the version's manifest and checks it against the folder: its name and version, exactly the PEFT
     * files as regular files, their sizes and digests. Anything else is a version that must not be served.
     */
    static AdapterManifest verify(Path versionDir, String name, int version) throws IOException {
        Path manifestFile = versionDir.resolve(ManifestJson.FILE_NAME);
        if (!Files.isRegularFile(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new ModelFormatException(manifestFile + ": missing; the version is incomplete");
        }
        AdapterManifest m = ManifestJson.read(manifestFile);
        if (!m.name().equals(name) || m.version() != version) {
            throw new ModelFormatException(manifestFile + ": describes " + m.id() + " but lies in the folder of "
                    + name + "@" + version);
        }
        Set<String> listed = m.sha256().keySet();
        boolean optionalOnly = listed.size() == PEFT_FILES.size()
                || (listed.size() == PEFT_FILES.size() + 1 && listed.contains(TRAINER_STATE_FILE));
        if (!listed.containsAll(PEFT_FILES) || !optionalOnly) {
            throw new ModelFormatException(manifestFile + ": sha256 lists " + listed + "; expected "
                    + PEFT_FILES + " and optionally " + TRAINER_STATE_FILE);
        }
        long size = 0;
        for (Map.Entry<String, String> e : m.sha256().entrySet()) {
            Path file = versionDir.resolve(e.getKey());
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new ModelFormatException(file + ": missing or not a regular file");
            }
            String actual = Sha256.ofFile(file);
            if (!actual.equals(e.getValue())) {
                throw new ModelFormatException(file + ": sha256 " + actual + " differs from the manifest's "
                        + e.getValue());
            }
            size += Files.size(file);
        }
        if (size != m.sizeBytes()) {
            throw new ModelFormatException(manifestFile + ": size_bytes " + m.sizeBytes() + " but the files hold "
                    + size);
        }
        return m;
    }

    /**
     * Allocates the next version of a name and records it durably before the caller renames anything into
     * place. The caller holds the store lock.
     */
    static int allocate(Path nameDir) throws IOException {
        Path counter = nameDir.resolve(COUNTER_FILE);
        int last = 0;
        if (Files.exists(counter, LinkOption.NOFOLLOW_LINKS)) {
            String text = Files.readString(counter, StandardCharsets.UTF_8).trim();
            if (!VERSION.matcher(text).matches()) {
                throw new ModelFormatException(counter + ": expected the last allocated version, got \"" + text
                        + "\"");
            }
            last = Integer.parseInt(text);
        }
        NavigableMap<Integer, Path> onDisk = list(nameDir);
        if (!onDisk.isEmpty()) {
            last = Math.max(last, onDisk.lastKey());
        }
        int next = Math.addExact(last, 1);
        AtomicFiles.write(counter, (next + "\n").getBytes(StandardCharsets.UTF_8));
        return next;
    }

    /** Removes the temp files of interrupted atomic writes ({@code .routing.json123.partial}); under the store lock. */
    static void removePartialWrites(Path nameDir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(nameDir, ".*.partial")) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(entry);
                }
            }
        }
    }
}
