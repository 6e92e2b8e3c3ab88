package dev.scion.server.adapters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Takes a server folder's absolute path out of a message meant for clients (errors, audit events, which
 * inference-key holders read): a file in it is named by its path inside it, the folder itself by a description.
 */
final class ServerPaths {
    private ServerPaths() {}

    /** @param description what the folder is, e.g. "the adapter folder" */
    static String hide(String message, Path folder, String description) {
        if (message == null || folder == null) {
            return message;
        }
        Set<String> spellings = new LinkedHashSet<>();
        try {
            spellings.add(folder.toRealPath().toString()); // first, as it may be the longer: /private/tmp, /tmp
        } catch (IOException gone) {
            // the spelling below only
        }
        spellings.add(folder.toAbsolutePath().normalize().toString());
        String separator = folder.getFileSystem().getSeparator();
        for (String path : spellings) {
            if (Path.of(path).getNameCount() > 0) { // never the file system's root, a part of every path
                message = message.replace(path + separator, "").replace(path, description);
            }
        }
        return message;
    }
}
