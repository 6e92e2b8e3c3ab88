package dev.scion.server.adapters.archive;

/**
 * One entry of an archive as its header describes it, before any check.
 *
 * @param name the raw name stored in the archive
 * @param kind what the header says the entry is
 * @param linkTarget where a link points, for messages; empty for other kinds
 */
record ArchiveItem(String name, Kind kind, String linkTarget) {

    enum Kind {
        FILE("a regular file"),
        DIRECTORY("a folder"),
        SYMBOLIC_LINK("a symbolic link"),
        HARD_LINK("a hard link"),
        CHARACTER_DEVICE("a character device"),
        BLOCK_DEVICE("a block device"),
        FIFO("a named pipe (fifo)"),
        OTHER("an unsupported entry type");

        final String description;

        Kind(String description) {
            this.description = description;
        }
    }

    static ArchiveItem of(String name, Kind kind) {
        return new ArchiveItem(name, kind, "");
    }
}
