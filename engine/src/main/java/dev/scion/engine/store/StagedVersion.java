package dev.scion.engine.store;

import dev.scion.engine.io.Durable;
import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.LoraFactor;
import dev.scion.engine.lora.LoraTarget;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.ResolvedModules;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.model.Projection;
import dev.scion.engine.weights.SafetensorsFile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A PEFT folder copied into a store temp folder and validated there: what is validated is exactly what
 * will be published, whatever happens to the source afterwards.
 *
 * @param sha256 digest of each PEFT file: of a copy, read from the source while copying and checked again on the
 *     copy; of an upload, read where it lies
 * @param modules what the config's patterns resolved to for the adapter's modules, matched once, here
 */
record StagedVersion(Map<String, String> sha256, long sizeBytes, int rank, List<String> targets,
        ResolvedModules modules) {

    /**
     * Copies the PEFT files of {@code source} into {@code payload} (a new folder), validates and verifies them.
     * The caller has run {@link #checkSource}; the copy does not follow links either, in case the source
     * changed since.
     */
    static StagedVersion stage(Path source, Path payload, String name, ModelConfig base, int maxRank)
            throws IOException {
        Files.createDirectory(payload);
        Map<String, String> sha = new TreeMap<>();
        long size = 0;
        List<String> files = filesOf(source);
        for (String file : files) {
            sha.put(file, Sha256.copy(source.resolve(file), payload.resolve(file)));
            size += Files.size(payload.resolve(file));
        }
        Durable.syncFolder(payload);
        LoraAdapter adapter;
        try {
            adapter = validate(payload, files, name, base, maxRank);
        } catch (ModelFormatException e) {
            // Name the folder the caller gave, not the temp copy the validator read.
            throw new ModelFormatException(e.getMessage().replace(payload.toString(), source.toString()), e);
        }
        for (String file : files) {
            String reread = Sha256.ofFile(payload.resolve(file));
            if (!reread.equals(sha.get(file))) {
                throw new IOException(payload.resolve(file) + ": the copy reads back as sha256 " + reread
                        + " but " + source.resolve(file) + " had " + sha.get(file));
            }
        }
        return new StagedVersion(sha, size, maxRankOf(adapter), targetsOf(adapter), ResolvedModules.of(adapter));
    }

    /**
     * Validates the PEFT files assembled in {@code payload}, an upload's folder inside the store, where they lie:
     * forced to disk and digested, with no copy (nothing but this process writes there). Messages name the files
     * alone, without the temp folder.
     */
    static StagedVersion adopt(Path payload, String name, ModelConfig base, int maxRank) throws IOException {
        try {
            checkSource(payload, name, base, maxRank);
            List<String> files = filesOf(payload);
            try (Stream<Path> entries = Files.list(payload)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    if (!files.contains(entry.getFileName().toString())) {
                        throw new ModelFormatException(entry + ": not a file an adapter version holds (" + files
                                + ")");
                    }
                }
            }
            Map<String, String> sha = new TreeMap<>();
            long size = 0;
            for (String file : files) {
                Path path = payload.resolve(file);
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    channel.force(true);
                }
                sha.put(file, Sha256.ofFile(path));
                size += Files.size(path);
            }
            Durable.syncFolder(payload);
            LoraAdapter adapter = validate(payload, files, name, base, maxRank);
            return new StagedVersion(sha, size, maxRankOf(adapter), targetsOf(adapter), ResolvedModules.of(adapter));
        } catch (ModelFormatException e) {
            String message = e.getMessage().replace(payload + payload.getFileSystem().getSeparator(), "")
                    .replace(payload.toString(), "the upload");
            throw new ModelFormatException(message, e);
        }
    }

    /** The trainer's state must parse; the PEFT files must make an adapter for {@code base}. */
    private static LoraAdapter validate(Path payload, List<String> files, String name, ModelConfig base, int maxRank)
            throws IOException {
        if (files.contains(VersionFolders.TRAINER_STATE_FILE)) {
            Path state = payload.resolve(VersionFolders.TRAINER_STATE_FILE);
            try (SafetensorsFile parsed = SafetensorsFile.open(state)) {
                parsed.names(); // parsing validated the header against the file
            } catch (ModelFormatException e) {
                throw new ModelFormatException(state + ": not a valid safetensors file: " + e.getMessage(), e);
            }
        }
        return PeftAdapter.load(payload, name, base, maxRank);
    }

    /** The PEFT files, plus the trainer's state when the source holds one (refused unless a regular file). */
    private static List<String> filesOf(Path source) throws IOException {
        List<String> files = new ArrayList<>(VersionFolders.PEFT_FILES);
        Path state = source.resolve(VersionFolders.TRAINER_STATE_FILE);
        if (Files.exists(state, LinkOption.NOFOLLOW_LINKS)) {
            BasicFileAttributes attrs = Files.readAttributes(state, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isSymbolicLink()) {
                // As for the PEFT files (checkSource): say why, not just that it is not a regular file.
                throw new ModelFormatException(state + ": is a symbolic link; the store takes only regular files,"
                        + " so copy the file itself into the folder");
            }
            if (!attrs.isRegularFile()) {
                throw new ModelFormatException(state + ": not a regular file");
            }
            files.add(VersionFolders.TRAINER_STATE_FILE);
        }
        return files;
    }

    /**
     * The source must hold both PEFT files as regular files. A missing one is reported by PeftAdapter, the
     * one validator, which also explains why pickle weights ({@code adapter_model.bin}) are refused.
     */
    static void checkSource(Path source, String name, ModelConfig base, int maxRank) throws IOException {
        for (String file : VersionFolders.PEFT_FILES) {
            Path path = source.resolve(file);
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                PeftAdapter.load(source, name, base, maxRank); // throws the validator's message for the folder
                throw new ModelFormatException(path + ": not readable: " + e.getMessage());
            }
            if (attrs.isSymbolicLink()) {
                throw new ModelFormatException(path + ": is a symbolic link; the store takes only regular files,"
                        + " so copy the file itself into the folder");
            }
            if (!attrs.isRegularFile()) {
                throw new ModelFormatException(path + ": not a regular file");
            }
        }
    }

    private static int maxRankOf(LoraAdapter adapter) {
        return adapter.factors().values().stream().mapToInt(LoraFactor::rank).max().orElse(0);
    }

    private static List<String> targetsOf(LoraAdapter adapter) {
        Set<Projection> projections = EnumSet.noneOf(Projection.class);
        for (LoraTarget t : adapter.factors().keySet()) {
            projections.add(t.projection());
        }
        List<String> modules = new ArrayList<>();
        projections.forEach(p -> modules.add(p.module()));
        return modules;
    }
}
