package dev.scion.server.adapters.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/** Entries of one archive, read one at a time so that each is checked before its bytes are touched. */
interface ArchiveEntries extends Closeable {

    /** The next entry, or null after the last; malformed archives are {@link AdapterArchive.Refused}. */
    ArchiveItem next() throws IOException;

    /** The bytes of the entry last returned by {@link #next()}; valid until the next call to it. */
    InputStream open() throws IOException;
}
