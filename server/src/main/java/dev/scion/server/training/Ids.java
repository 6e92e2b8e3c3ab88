package dev.scion.server.training;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Identifiers of files, jobs and events, in OpenAI's style ({@code file-…}, {@code ftjob-…}). Ids become file names
 * on the server, so an id from a client is only ever looked up after it matched {@link #isValid}: letters and digits
 * after the prefix, never a path separator or a dot.
 */
public final class Ids {
    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public static final String FILE = "file-";
    public static final String JOB = "ftjob-";

    private Ids() {}

    /** The prefix and 24 random letters and digits (about 143 bits): unguessable, so ids are no enumeration aid. */
    public static String random(String prefix) {
        StringBuilder id = new StringBuilder(prefix);
        for (int i = 0; i < 24; i++) {
            id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return id.toString();
    }

    /** Whether {@code id} is {@code prefix} followed by 1 to 64 letters or digits. */
    public static boolean isValid(String id, String prefix) {
        return id != null && id.startsWith(prefix) && SAFE.matcher(id.substring(prefix.length())).matches();
    }
}
