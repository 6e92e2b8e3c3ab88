package dev.scion.server.adapters.archive;

/**
 * How many more bytes may be unpacked. Shared by every entry of one archive, and charged with the
 * bytes actually produced, since sizes in archive headers are whatever the sender wrote.
 */
final class UnpackBudget {
    private final long limit;
    private long used;

    UnpackBudget(long limit) {
        this.limit = limit;
    }

    /**
     * Charges {@code bytes} just read from {@code what} (as a message says it, such as "entry 'x'");
     * refuses once the total passes the limit.
     */
    void charge(long bytes, String what) {
        used += bytes;
        if (used > limit) {
            throw new AdapterArchive.Refused("unpacking " + what + " exceeds the limit of " + limit
                    + " unpacked bytes (a compression bomb, or an adapter too large to upload)");
        }
    }
}
