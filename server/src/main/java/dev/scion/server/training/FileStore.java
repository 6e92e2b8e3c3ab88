package dev.scion.server.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.engine.io.AtomicFiles;
import dev.scion.engine.io.Durable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of {@code /v1/files}: {@code <dir>/<id>.data} holds the bytes and {@code <dir>/<id>.json} what the API
 * shows about them. The bytes are written first (temp file, fsync, rename), the description last, so a file is
 * listed only once it is complete; {@link #open} removes bytes that never got their description (an interrupted
 * upload). An upload is staged in a folder of its own under {@code <dir>/.uploads/} and renamed into place
 * ({@link #adopt}); {@link #open} removes every staging folder a crash left. Clients name files only by id, checked
 * by {@link Ids#isValid}, never by a path or their filename.
 */
public final class FileStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_FILENAME = 255;

    private final Path dir;
    private final Map<String, StoredFile> files = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong storedBytes = new AtomicLong();

    private FileStore(Path dir) {
        this.dir = dir;
    }

    /** Opens (creating) the folder, dropping what an interrupted write left, and reads every description. */
    public static FileStore open(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileStore store = new FileStore(dir);
        Path uploads = store.uploadsDir();
        Files.createDirectories(uploads);
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(uploads)) {
            for (Path p : leftovers) {
                Durable.deleteTree(p); // the staging folders of uploads a crash interrupted
            }
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".partial")) {
                    Files.deleteIfExists(p);
                } else if (name.endsWith(".json")) {
                    store.readDescription(p);
                }
            }
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.data")) {
            for (Path p : entries) {
                String id = p.getFileName().toString().replaceFirst("\\.data$", "");
                if (!store.files.containsKey(id)) {
                    LOG.warn("removing {}: its upload never completed", p);
                    Files.deleteIfExists(p);
                }
            }
        }
        return store;
    }

    private void readDescription(Path p) {
        try {
            JsonNode n = JSON.readTree(p.toFile());
            StoredFile f = new StoredFile(n.get("id").asText(), n.get("seq").asLong(), n.get("bytes").asLong(),
                    n.get("created_at").asLong(), n.get("filename").asText(), n.get("purpose").asText());
            if (!Ids.isValid(f.id(), Ids.FILE) || !p.getFileName().toString().equals(f.id() + ".json")
                    || !Files.isRegularFile(content(f.id()))) {
                LOG.warn("ignoring {}: its id or its data file does not match", p);
                return;
            }
            files.put(f.id(), f);
            storedBytes.addAndGet(f.bytes());
            seq.accumulateAndGet(f.seq(), Math::max);
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring {}: unreadable ({})", p, e.toString());
        }
    }

    /** The store's folder. */
    public Path dir() {
        return dir;
    }

    /** Where uploads are staged: inside the store, on its file system, so a crash's leftovers get cleaned. */
    Path uploadsDir() {
        return dir.resolve(".uploads");
    }

    /** One upload's staging folder (under {@code .uploads}), removed by close or, after a crash, by {@link #open}. */
    public record Upload(Path folder) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            Durable.deleteTree(folder);
        }
    }

    public Upload openUpload() throws IOException {
        return new Upload(Files.createTempDirectory(uploadsDir(), "upload-"));
    }

    /** Keeps a copy of {@code source} under a new id. */
    public StoredFile add(Path source, String filename, String purpose) throws IOException {
        return write(Ids.random(Ids.FILE), List.of(source), filename, purpose);
    }

    /**
     * Keeps a file staged in one of this store's {@link Upload}s under a new id by renaming it into place: forced to
     * disk first, then moved, then described, so the bytes are written once and a crash leaves no half file listed.
     */
    public synchronized StoredFile adopt(Path staged, String filename, String purpose) throws IOException {
        if (!staged.toAbsolutePath().normalize().startsWith(uploadsDir().toAbsolutePath().normalize())) {
            throw new IllegalArgumentException(staged + " was not staged in this store");
        }
        try (FileChannel channel = FileChannel.open(staged, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        String id = Ids.random(Ids.FILE);
        Files.move(staged, content(id), StandardCopyOption.ATOMIC_MOVE);
        Durable.syncFolder(dir);
        return describe(id, filename, purpose);
    }

    /**
     * Deletes a file: its description first, so it is no longer listed even if a crash stops the deletion there
     * ({@link #open} then removes the bytes). Returns the file, or null when no file has this id.
     */
    public synchronized StoredFile delete(String id) throws IOException {
        StoredFile f = get(id);
        if (f == null) {
            return null;
        }
        Files.deleteIfExists(dir.resolve(id + ".json"));
        files.remove(id);
        storedBytes.addAndGet(-f.bytes());
        Durable.syncFolder(dir);
        Files.deleteIfExists(content(id));
        return f;
    }

    /** The bytes every stored file holds together (what {@code --files-quota} counts). */
    public long storedBytes() {
        return storedBytes.get();
    }

    /**
     * Writes the sources one after the other into one file, each ending with a newline (so JSONL files concatenate
     * into JSONL), under {@code id}; an existing file of that id is returned as it is, which makes repeating an
     * interrupted step harmless.
     */
    public StoredFile addConcatenated(String id, List<Path> sources, String filename) throws IOException {
        StoredFile existing = files.get(id);
        return existing != null ? existing : write(id, sources, filename, StoredFile.FINE_TUNE);
    }

    private synchronized StoredFile write(String id, List<Path> sources, String filename, String purpose)
            throws IOException {
        if (!Ids.isValid(id, Ids.FILE)) {
            throw new IllegalArgumentException("not a file id: " + id);
        }
        Path target = content(id);
        AtomicFiles.write(target, channel -> {
            for (Path source : sources) {
                try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
                    long size = in.size();
                    for (long at = 0; at < size; ) {
                        at += in.transferTo(at, size - at, channel);
                    }
                    if (size > 0 && sources.size() > 1 && !endsWithNewline(in, size)) {
                        AtomicFiles.writeFully(channel, ByteBuffer.wrap(new byte[] {'\n'}));
                    }
                }
            }
        });
        return describe(id, filename, purpose);
    }

    /** Writes the description of the bytes at {@code content(id)}, which lists the file. */
    private StoredFile describe(String id, String filename, String purpose) throws IOException {
        StoredFile f = new StoredFile(id, seq.incrementAndGet(), Files.size(content(id)),
                Instant.now().getEpochSecond(), cleanName(filename), purpose);
        ObjectNode n = JSON.createObjectNode();
        n.put("id", f.id());
        n.put("seq", f.seq());
        n.put("bytes", f.bytes());
        n.put("created_at", f.createdAt());
        n.put("filename", f.filename());
        n.put("purpose", f.purpose());
        AtomicFiles.write(dir.resolve(id + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n));
        files.put(id, f);
        storedBytes.addAndGet(f.bytes());
        return f;
    }

    private static boolean endsWithNewline(FileChannel in, long size) throws IOException {
        ByteBuffer last = ByteBuffer.allocate(1);
        in.read(last, size - 1);
        return last.get(0) == '\n';
    }

    /** Control characters and overlong names would garble listings and logs; the name is never a path here. */
    private static String cleanName(String filename) {
        String name = filename == null || filename.isBlank() ? "upload.jsonl" : filename;
        name = name.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return name.length() > MAX_FILENAME ? name.substring(0, MAX_FILENAME) : name;
    }

    /** The file, or null when no file has this id (or the id is not one). */
    public StoredFile get(String id) {
        return Ids.isValid(id, Ids.FILE) ? files.get(id) : null;
    }

    /** The bytes of a stored file. */
    public Path content(String id) {
        if (!Ids.isValid(id, Ids.FILE)) {
            throw new IllegalArgumentException("not a file id: " + id);
        }
        return dir.resolve(id + ".data");
    }

    /** Every file, oldest first. */
    public List<StoredFile> list() {
        List<StoredFile> all = new ArrayList<>(files.values());
        all.sort(Comparator.comparingLong(StoredFile::seq));
        return all;
    }
}
