package dev.scion.server.adapters.archive;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an adapter archive may hold, decided one entry at a time before its bytes are read.
 *
 * <p>Accepted: regular files named {@code adapter_config.json} and {@code adapter_model.safetensors}
 * (each once), all at the top level or all inside one top-level folder (as {@code tar czf x.tgz
 * my-adapter} writes them), and folder entries for that layout. Ignored, never written:
 * {@code README.md} next to the adapter files (PEFT's {@code save_pretrained} writes a model card
 * there) and what desktop tools add: {@code __MACOSX/}, {@code .DS_Store}, AppleDouble {@code ._*}
 * files. Ignored entries still count toward the entry limit and must have safe names and types.
 * Everything else is refused, naming the entry.
 */
final class AdapterEntryRules {
    static final int MAX_ENTRIES = 64;
    static final String CONFIG_FILE = "adapter_config.json";
    static final String WEIGHTS_FILE = "adapter_model.safetensors";
    static final List<String> REQUIRED_FILES = List.of(CONFIG_FILE, WEIGHTS_FILE);

    private static final String MODEL_CARD = "README.md";
    private static final List<String> PICKLE_ENDINGS = List.of(".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt");
    private static final List<String> ARCHIVE_ENDINGS = List.of(".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz",
            ".zst", ".7z", ".rar", ".lz4");
    private static final String ACCEPTED = "an adapter archive may hold only " + CONFIG_FILE + " and " + WEIGHTS_FILE
            + " (README.md, .DS_Store, ._* files and __MACOSX/ are ignored)";

    private int entries;
    /** Each path seen so far, with the raw name that first used it. */
    private final Map<String, String> seen = new HashMap<>();
    private final Set<String> found = new LinkedHashSet<>();
    /** Where the adapter's entries are: "" for the top level, else the one top-level folder; null until known. */
    private String folder;
    private String folderFixedBy;

    /**
     * Checks one entry: the file name to extract it as, empty for entries that are skipped (folders,
     * ignored files), or {@link AdapterArchive.Refused}.
     */
    Optional<String> accept(ArchiveItem item) {
        if (++entries > MAX_ENTRIES) {
            throw new AdapterArchive.Refused("the archive has more than " + MAX_ENTRIES + " entries (entry "
                    + EntryPath.quote(item.name()) + " is one too many)");
        }
        EntryPath path = EntryPath.parse(item.name());
        String entry = "entry " + EntryPath.quote(item.name());
        requireFileOrFolder(item, entry);
        if (path.isRoot()) {
            return Optional.empty();
        }
        if (isDesktopJunk(path)) {
            return Optional.empty();
        }
        if (item.kind() == ArchiveItem.Kind.DIRECTORY) {
            if (path.depth() > 1) {
                throw new AdapterArchive.Refused(entry + " is a folder inside a folder; " + ACCEPTED
                        + ", at the top level or inside one folder");
            }
            placeIn(path.first(), item, entry);
            requireFirst(path, item, entry);
            return Optional.empty();
        }
        return acceptFile(path, item, entry);
    }

    private Optional<String> acceptFile(EntryPath path, ArchiveItem item, String entry) {
        String name = path.last();
        String lower = name.toLowerCase(Locale.ROOT);
        for (String ending : PICKLE_ENDINGS) {
            if (lower.endsWith(ending)) {
                throw new AdapterArchive.Refused(entry + " is a pickle-based checkpoint (" + ending
                        + "): loading a pickle can run arbitrary code, so only " + WEIGHTS_FILE
                        + " (safetensors) is accepted");
            }
        }
        for (String ending : ARCHIVE_ENDINGS) {
            if (lower.endsWith(ending)) {
                throw new AdapterArchive.Refused(entry + " is a nested archive; pack the adapter files themselves");
            }
        }
        if (path.depth() > 2) {
            throw new AdapterArchive.Refused(entry + " is nested too deep; the adapter files must be at the top level"
                    + " or inside one folder");
        }
        placeIn(path.folder(), item, entry);
        requireFirst(path, item, entry);
        if (REQUIRED_FILES.contains(name)) {
            found.add(name);
            return Optional.of(name);
        }
        if (name.equals(MODEL_CARD)) {
            return Optional.empty();
        }
        throw new AdapterArchive.Refused(entry + " is not part of a PEFT adapter; " + ACCEPTED);
    }

    /** Refuses, after the last entry, an archive that lacks one of the adapter's files. */
    void requireComplete() {
        for (String required : REQUIRED_FILES) {
            if (!found.contains(required)) {
                throw new AdapterArchive.Refused("the archive has no " + required + "; an adapter needs both "
                        + CONFIG_FILE + " and " + WEIGHTS_FILE);
            }
        }
    }

    private static void requireFileOrFolder(ArchiveItem item, String entry) {
        switch (item.kind()) {
            case FILE:
            case DIRECTORY:
                return;
            case SYMBOLIC_LINK:
            case HARD_LINK:
                throw new AdapterArchive.Refused(entry + " is " + item.kind().description
                        + (item.linkTarget().isEmpty() ? "" : " to " + EntryPath.quote(item.linkTarget()))
                        + "; links are refused, pack the file itself");
            default:
                throw new AdapterArchive.Refused(entry + " is " + item.kind().description
                        + "; only regular files and folders are accepted");
        }
    }

    private static boolean isDesktopJunk(EntryPath path) {
        String name = path.last();
        return path.first().equals("__MACOSX") || name.equals(".DS_Store") || name.startsWith("._");
    }

    private void placeIn(String entryFolder, ArchiveItem item, String entry) {
        if (folder == null) {
            folder = entryFolder;
            folderFixedBy = item.name();
        } else if (!folder.equals(entryFolder)) {
            throw new AdapterArchive.Refused(entry + " is " + where(entryFolder) + " but entry "
                    + EntryPath.quote(folderFixedBy) + " is " + where(folder)
                    + "; the adapter files must be at the top level or all inside one folder");
        }
    }

    private static String where(String folder) {
        return folder.isEmpty() ? "at the top level" : "in folder " + EntryPath.quote(folder + "/");
    }

    private void requireFirst(EntryPath path, ArchiveItem item, String entry) {
        String earlier = seen.putIfAbsent(path.toString(), item.name());
        if (earlier != null) {
            throw new AdapterArchive.Refused(entry + " is a duplicate"
                    + (earlier.equals(item.name()) ? "" : " of entry " + EntryPath.quote(earlier))
                    + "; each path may appear once");
        }
    }
}
