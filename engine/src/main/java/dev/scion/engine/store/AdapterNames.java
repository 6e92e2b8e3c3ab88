package dev.scion.engine.store;

import java.util.regex.Pattern;

/**
 * Adapter names are folder names in the store and appear in {@code name@version}, so only a safe
 * alphabet is accepted: no path separators, no leading dot (store internals start with one), no {@code ..}, and
 * none of the names of the files the store root holds besides the adapters' folders.
 */
final class AdapterNames {

    static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** The server's audit log in the store root, {@code audit.jsonl}, and its rotations {@code audit.N.jsonl}. */
    static final Pattern RESERVED = Pattern.compile("audit(\\.[0-9]+)?\\.jsonl", Pattern.CASE_INSENSITIVE);

    private AdapterNames() {}

    static String check(String name) {
        if (name == null) {
            throw new IllegalArgumentException("adapter name is missing");
        }
        if (name.contains("@")) {
            throw new IllegalArgumentException("adapter name \"" + name + "\" must not contain '@', which separates"
                    + " a name from a version (name@version)");
        }
        if (!VALID.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("adapter name \"" + name + "\" is invalid: use 1 to 64 letters,"
                    + " digits, '.', '_' or '-', starting with a letter or digit, without \"..\"");
        }
        if (RESERVED.matcher(name).matches()) {
            throw new IllegalArgumentException("adapter name \"" + name + "\" is reserved: the store keeps its audit"
                    + " log under the names audit.jsonl and audit.N.jsonl");
        }
        return name;
    }

    static boolean isValid(String name) {
        return VALID.matcher(name).matches() && !name.contains("..") && !RESERVED.matcher(name).matches();
    }

    static void checkVersion(String name, int version) {
        if (version < 1) {
            throw new IllegalArgumentException("adapter " + name + ": version must be 1 or more, got " + version);
        }
    }
}
