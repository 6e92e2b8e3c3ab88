package dev.scion.engine.store;

import dev.scion.engine.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads and writes {@code routing.json}, keeping what was read while the file stays the same file: every
 * write is a rename of a new file, so a changed file key (inode), time or size means another writer, possibly
 * in another process. A lookup per request then costs one stat.
 */
final class RoutingFiles {

    private record Cached(Object fileKey, FileTime modified, long size, Routing routing) {}

    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    Routing read(Path nameDir) throws IOException {
        Path file = nameDir.resolve(RoutingJson.FILE_NAME);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            cache.remove(file);
            return Routing.LATEST;
        }
        Cached cached = cache.get(file);
        if (cached != null && attrs.fileKey() != null && Objects.equals(cached.fileKey(), attrs.fileKey())
                && cached.modified().equals(attrs.lastModifiedTime()) && cached.size() == attrs.size()) {
            return cached.routing();
        }
        Routing routing = RoutingJson.read(file);
        cache.put(file, new Cached(attrs.fileKey(), attrs.lastModifiedTime(), attrs.size(), routing));
        return routing;
    }

    void write(Path nameDir, Routing routing) throws IOException {
        Path file = nameDir.resolve(RoutingJson.FILE_NAME);
        AtomicFiles.write(file, RoutingJson.toBytes(routing));
        cache.remove(file);
    }
}
