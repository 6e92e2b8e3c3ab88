package dev.scion.trainer.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a JSONL file line by line as bytes, so that a line which is not UTF-8 or is absurdly long becomes a problem
 * of that line (with its number) instead of an error for the whole file, and a file without newlines cannot make
 * one line fill the heap. Accepts LF and CRLF line ends and a UTF-8 byte order mark. Public for the server, which
 * checks uploaded files with it before keeping them.
 */
public final class JsonlReader implements Closeable {

    /** One line: its text, or why it has none. */
    public record Line(int number, String text, String error) {}

    private final InputStream in;
    private final int maxLineBytes;
    private int number;
    private boolean ended;

    public JsonlReader(Path file, int maxLineBytes) throws IOException {
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line, or null at the end of the file. */
    public Line next() throws IOException {
        if (ended) {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean tooLong = false;
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (bytes.size() < maxLineBytes) {
                bytes.write(b);
            } else {
                tooLong = true;
            }
        }
        if (b == -1) {
            ended = true;
            if (bytes.size() == 0 && !tooLong) {
                return null; // a final newline ends the last line; it does not start an empty one
            }
        }
        number++;
        if (tooLong) {
            return new Line(number, null, "line is longer than " + maxLineBytes + " bytes");
        }
        byte[] raw = bytes.toByteArray();
        int length = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
        int start = number == 1 && startsWithByteOrderMark(raw, length) ? 3 : 0;
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, start, length - start))
                    .toString();
            return new Line(number, text, null);
        } catch (CharacterCodingException e) {
            return new Line(number, null, "not valid UTF-8 text");
        }
    }

    private static boolean startsWithByteOrderMark(byte[] raw, int length) {
        return length >= 3 && (raw[0] & 0xff) == 0xef && (raw[1] & 0xff) == 0xbb && (raw[2] & 0xff) == 0xbf;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
