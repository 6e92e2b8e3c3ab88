package dev.scion.server.adapters.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Counts a zip's central directory records before the zip library reads them, and refuses more
 * than the entry limit: the library keeps every record in memory and reads records for as long as
 * they follow one another, whatever count the end record states, so a small upload listing
 * millions of entries must be stopped here. The walk mirrors the library's: from the directory
 * offset in the end record (or its Zip64 counterpart), record after record.
 */
final class ZipDirectoryLimits {
    private static final int END_RECORD = 0x06054b50;
    private static final int END_RECORD_SIZE = 22;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_LOCATOR_SIZE = 20;
    private static final int ZIP64_END_RECORD = 0x06064b50;
    private static final int ZIP64_END_RECORD_SIZE = 56;
    private static final int DIRECTORY_RECORD = 0x02014b50;
    private static final int DIRECTORY_RECORD_SIZE = 46;
    private static final int MAX_COMMENT = 0xffff;

    private ZipDirectoryLimits() {}

    /** Refuses a zip listing more than {@code maxEntries}; a zip without an end record is left to the library. */
    static void require(Path archive, int maxEntries) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(archive)) {
            long size = channel.size();
            int tailLength = (int) Math.min(size, END_RECORD_SIZE + MAX_COMMENT);
            long tailStart = size - tailLength;
            ByteBuffer tail = read(channel, tailStart, tailLength);
            int end = findEndRecord(tail);
            if (end < 0) {
                return;
            }
            long entries = tail.getShort(end + 10) & 0xffff;
            long directoryOffset = tail.getInt(end + 16) & 0xffffffffL;
            if (entries == 0xffff || directoryOffset == 0xffffffffL) {
                ByteBuffer zip64 = zip64EndRecord(channel, tailStart + end, size);
                entries = zip64.getLong(32);
                directoryOffset = zip64.getLong(48);
            }
            if (entries > maxEntries || entries < 0) {
                throw tooMany(Long.toUnsignedString(entries), maxEntries);
            }
            countRecords(channel, directoryOffset, size, maxEntries);
        }
    }

    private static void countRecords(SeekableByteChannel channel, long offset, long size, int maxEntries)
            throws IOException {
        long position = offset;
        int records = 0;
        while (position >= 0 && position + DIRECTORY_RECORD_SIZE <= size) {
            ByteBuffer record = read(channel, position, DIRECTORY_RECORD_SIZE);
            if (record.getInt(0) != DIRECTORY_RECORD) {
                return;
            }
            if (++records > maxEntries) {
                throw tooMany("more than " + maxEntries, maxEntries);
            }
            int variable = (record.getShort(28) & 0xffff) + (record.getShort(30) & 0xffff)
                    + (record.getShort(32) & 0xffff);
            position += DIRECTORY_RECORD_SIZE + variable;
        }
    }

    private static ByteBuffer zip64EndRecord(SeekableByteChannel channel, long endRecord, long size)
            throws IOException {
        long locator = endRecord - ZIP64_LOCATOR_SIZE;
        ByteBuffer loc = locator < 0 ? null : read(channel, locator, ZIP64_LOCATOR_SIZE);
        if (loc == null || loc.getInt(0) != ZIP64_LOCATOR) {
            throw new AdapterArchive.Refused("the archive is not a readable zip: its end record needs a Zip64"
                    + " record that is missing");
        }
        long zip64End = loc.getLong(8);
        if (zip64End < 0 || zip64End > size - ZIP64_END_RECORD_SIZE) {
            throw new AdapterArchive.Refused("the archive is not a readable zip: its Zip64 end record lies outside"
                    + " the file");
        }
        ByteBuffer record = read(channel, zip64End, ZIP64_END_RECORD_SIZE);
        if (record.getInt(0) != ZIP64_END_RECORD) {
            throw new AdapterArchive.Refused("the archive is not a readable zip: no Zip64 end record where its"
                    + " locator points");
        }
        return record;
    }

    private static AdapterArchive.Refused tooMany(String entries, int maxEntries) {
        return new AdapterArchive.Refused("the archive lists " + entries + " entries; at most " + maxEntries
                + " are accepted");
    }

    private static int findEndRecord(ByteBuffer tail) {
        for (int i = tail.limit() - END_RECORD_SIZE; i >= 0; i--) {
            if (tail.getInt(i) == END_RECORD) {
                return i;
            }
        }
        return -1;
    }

    private static ByteBuffer read(SeekableByteChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        channel.position(position);
        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
            // a channel may return fewer bytes than asked
        }
        buffer.flip();
        return buffer;
    }
}
