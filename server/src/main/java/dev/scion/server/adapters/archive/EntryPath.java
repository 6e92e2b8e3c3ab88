package dev.scion.server.adapters.archive;

import java.util.ArrayList;
import java.util.List;

/**
 * An archive entry's name, checked to be a plain relative path and split into its segments.
 * Leading {@code ./} segments (as {@code tar czf x.tgz .} writes them) are dropped; every other
 * oddity a path-traversal attack could use is refused rather than normalised away.
 *
 * @param segments the path's folders and name; empty for the archive's root folder ({@code ./})
 */
record EntryPath(List<String> segments) {
    private static final int MAX_QUOTED = 200;

    EntryPath {
        segments = List.copyOf(segments);
    }

    static EntryPath parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new AdapterArchive.Refused("an entry has an empty name");
        }
        String entry = "entry " + quote(raw);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new AdapterArchive.Refused(entry + " has control characters in its name");
            }
        }
        if (raw.indexOf('\\') >= 0) {
            // a separator on Windows, so "..\\x" would traverse there
            throw new AdapterArchive.Refused(entry + " has a backslash in its name; only '/' separates folders");
        }
        if (raw.startsWith("/")) {
            throw new AdapterArchive.Refused(entry + " is an absolute path; entries must be relative");
        }
        if (raw.length() >= 2 && Character.isLetter(raw.charAt(0)) && raw.charAt(1) == ':') {
            throw new AdapterArchive.Refused(entry + " starts with a drive letter; entries must be relative");
        }
        if (raw.indexOf(':') >= 0) {
            // drive-relative paths and NTFS alternate data streams both use ':'
            throw new AdapterArchive.Refused(entry + " has a ':' in its name");
        }
        String path = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        String[] parts = path.split("/", -1);
        List<String> segments = new ArrayList<>(parts.length);
        boolean leading = true;
        for (String part : parts) {
            if (leading && part.equals(".")) {
                continue;
            }
            leading = false;
            if (part.equals("..")) {
                throw new AdapterArchive.Refused(entry + " has a '..' segment (path traversal)");
            }
            if (part.equals(".")) {
                throw new AdapterArchive.Refused(entry + " has a '.' segment inside its path");
            }
            if (part.isEmpty()) {
                throw new AdapterArchive.Refused(entry + " has an empty path segment ('//')");
            }
            segments.add(part);
        }
        return new EntryPath(segments);
    }

    boolean isRoot() {
        return segments.isEmpty();
    }

    int depth() {
        return segments.size();
    }

    String first() {
        return segments.get(0);
    }

    String last() {
        return segments.get(segments.size() - 1);
    }

    /** The folder holding this entry: "" at the top level. */
    String folder() {
        return segments.size() < 2 ? "" : String.join("/", segments.subList(0, segments.size() - 1));
    }

    @Override
    public String toString() {
        return String.join("/", segments);
    }

    /** A name from the archive as it may appear in a message: quoted, shortened, control characters escaped. */
    static String quote(String raw) {
        if (raw == null) {
            return "(no name)";
        }
        StringBuilder out = new StringBuilder("'");
        int end = Math.min(raw.length(), MAX_QUOTED);
        for (int i = 0; i < end; i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (raw.length() > MAX_QUOTED) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
