package dev.scion.engine.store;

import dev.scion.engine.io.AtomicFiles;
import dev.scion.engine.io.Durable;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.ModelFormatException;
import dev.scion.engine.model.RopeScaling;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapters on disk: {@code <root>/<name>/<version>/} holds a version's PEFT files and its
 * {@code manifest.json}, {@code <root>/<name>/routing.json} the adapter's routing. Every publish goes
 * through {@link #publish}, which assembles the version in a temp folder inside the store and renames it
 * into place, so a version folder is either complete or absent; an upload is staged in such a temp folder from
 * its first byte ({@link #openUpload}). The registry in memory is rebuilt from
 * disk on {@link #open} and follows other processes' changes when a name is looked at again.
 * See {@code docs/adapters.md}.
 */
public final class AdapterStore {

    private static final Logger LOG = LoggerFactory.getLogger(AdapterStore.class);

    /** Optional file of a version: the trainer's state for continuing it (Fisher information, optimizer moments). */
    public static final String TRAINER_STATE_FILE = VersionFolders.TRAINER_STATE_FILE;

    private final Path root;
    private final String baseFingerprint;
    private final StoreLock lock;
    /** Verified versions by name; guarded by itself for refreshes from disk. */
    private final Map<String, NavigableMap<Integer, AdapterManifest>> registry = new ConcurrentHashMap<>();
    /** Version folders found incomplete or corrupt; never served and never verified again. */
    private final Set<Path> ignored = ConcurrentHashMap.newKeySet();
    private final RoutingFiles routingFiles = new RoutingFiles();

    private AdapterStore(Path root, String baseFingerprint) {
        this.root = root;
        this.baseFingerprint = baseFingerprint;
        this.lock = new StoreLock(root);
    }

    /**
     * Opens (creating) the store at {@code root} for the base model with this {@link #fingerprint}: removes
     * temp folders no live publisher owns and rebuilds the registry, ignoring and logging incomplete versions.
     */
    public static AdapterStore open(Path root, String baseFingerprint) throws IOException {
        Objects.requireNonNull(root, "root");
        if (baseFingerprint == null || baseFingerprint.isBlank()) {
            throw new IllegalArgumentException("the store needs the base model's fingerprint");
        }
        Files.createDirectories(root);
        AdapterStore store = new AdapterStore(root.toRealPath(), baseFingerprint);
        store.recover();
        return store;
    }

    /**
     * A digest of the base model fields an adapter depends on: architecture, every dimension, norm epsilon,
     * rope, tied embeddings and attention bias. Token ids and the context length are left out; they change
     * no adapter's meaning. The weights are not covered: two checkpoints of one config share a fingerprint.
     */
    public static String fingerprint(ModelConfig c) {
        RopeScaling s = c.ropeScaling();
        String canonical = String.join("\n",
                "scion-base-fingerprint/1",
                "architecture=" + c.architecture().hfName(),
                "hidden_size=" + c.hiddenSize(),
                "num_hidden_layers=" + c.numLayers(),
                "num_attention_heads=" + c.numHeads(),
                "num_key_value_heads=" + c.numKvHeads(),
                "head_dim=" + c.headDim(),
                "intermediate_size=" + c.intermediateSize(),
                "vocab_size=" + c.vocabSize(),
                "rms_norm_eps=" + c.rmsNormEps(),
                "rope_theta=" + c.ropeTheta(),
                "rope_scaling=" + (s == null ? "none" : s.type() + "," + s.factor() + "," + s.lowFreqFactor() + ","
                        + s.highFreqFactor() + "," + s.originalMaxPositionEmbeddings()),
                "tie_word_embeddings=" + c.tieWordEmbeddings(),
                "attention_bias=" + c.attentionBias());
        return Sha256.ofText(canonical);
    }

    /** Whether the store accepts {@code name} as an adapter name (see {@link #publish}); never throws. */
    public static boolean isValidName(String name) {
        return name != null && AdapterNames.isValid(name);
    }

    public Path root() {
        return root;
    }

    public String baseFingerprint() {
        return baseFingerprint;
    }

    /**
     * The one publish path: copies {@code adapter_config.json} and {@code adapter_model.safetensors}, and
     * {@link #TRAINER_STATE_FILE} when present (regular files only) from {@code peftFolder} into the store, validates the copy against {@code base} with
     * {@code PeftAdapter.load}, verifies its checksums and renames it into place as the name's next version.
     * Any refusal leaves the store as it was.
     *
     * @throws IllegalArgumentException a bad name, metrics or maxRank, or a base other than the store's
     * @throws ModelFormatException the folder is not a valid adapter for the base (names the file)
     */
    public AdapterManifest publish(String name, Path peftFolder, ModelConfig base, PublishSource source,
            Map<String, Object> metrics, int maxRank) throws IOException {
        String fingerprint = checkPublish(name, base, source, maxRank);
        Objects.requireNonNull(peftFolder, "peftFolder");
        Map<String, Object> normalizedMetrics = ManifestJson.normalizeMetrics(metrics);
        StagedVersion.checkSource(peftFolder, name, base, maxRank);
        try (TempFolders.Owned temp = TempFolders.create(root, lock)) {
            StagedVersion staged = StagedVersion.stage(peftFolder, temp.payload(), name, base, maxRank);
            return commit(name, temp, staged, fingerprint, source, normalizedMetrics);
        }
    }

    /**
     * A temp folder of this store to stage an upload in ({@link StoreUpload}); the caller closes it, published or
     * not.
     */
    public StoreUpload openUpload() throws IOException {
        return StoreUpload.create(root, lock);
    }

    /**
     * Publishes what the caller assembled in {@link StoreUpload#adapter()}: the same checks as
     * {@link #publish(String, Path, ModelConfig, PublishSource, Map, int)}, run on the files where they lie, which are
     * then renamed into place without a copy. Messages name the files by their names alone (the temp folder means
     * nothing to whoever uploaded them).
     */
    public AdapterManifest publish(String name, StoreUpload upload, ModelConfig base, PublishSource source,
            Map<String, Object> metrics, int maxRank) throws IOException {
        String fingerprint = checkPublish(name, base, source, maxRank);
        Objects.requireNonNull(upload, "upload");
        if (!upload.root().equals(root)) {
            throw new IllegalArgumentException("the upload was staged in another store (" + upload.root() + ")");
        }
        Map<String, Object> normalizedMetrics = ManifestJson.normalizeMetrics(metrics);
        StagedVersion staged = StagedVersion.adopt(upload.adapter(), name, base, maxRank);
        return commit(name, upload.temp(), staged, fingerprint, source, normalizedMetrics);
    }

    /** Checks what every publish is given; returns the base's fingerprint. */
    private String checkPublish(String name, ModelConfig base, PublishSource source, int maxRank) {
        AdapterNames.check(name);
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(source, "source");
        if (maxRank < 1) {
            throw new IllegalArgumentException("maxRank must be 1 or more, got " + maxRank);
        }
        String fingerprint = fingerprint(base);
        if (!fingerprint.equals(baseFingerprint)) {
            throw new IllegalArgumentException("adapter " + name + ": the base model given (fingerprint "
                    + fingerprint + ") is not the store's base (fingerprint " + baseFingerprint + ")");
        }
        return fingerprint;
    }

    /** The publish's last step: the staged payload becomes the name's next version, under the store lock. */
    private AdapterManifest commit(String name, TempFolders.Owned temp, StagedVersion staged, String fingerprint,
            PublishSource source, Map<String, Object> metrics) throws IOException {
        try (StoreLock.Held held = lock.acquire()) {
            Path nameDir = root.resolve(name);
            if (!Files.isDirectory(nameDir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(nameDir);
                Durable.syncFolder(root);
            }
            int version = VersionFolders.allocate(nameDir);
            AdapterManifest manifest = new AdapterManifest(name, version, staged.sha256(), staged.sizeBytes(),
                    staged.rank(), staged.targets(), fingerprint, Instant.now(), source, metrics, staged.modules());
            writeManifest(temp.payload(), manifest);
            Files.move(temp.payload(), nameDir.resolve(Integer.toString(version)), StandardCopyOption.ATOMIC_MOVE);
            Durable.syncFolder(nameDir);
            synchronized (registry) {
                registry.computeIfAbsent(name, k -> new ConcurrentSkipListMap<>()).put(version, manifest);
            }
            LOG.info("published {} ({} bytes, rank {}, from {})", manifest.id(), manifest.sizeBytes(),
                    manifest.rank(), source.jsonName());
            return manifest;
        }
    }

    private static void writeManifest(Path payload, AdapterManifest manifest) throws IOException {
        byte[] bytes = ManifestJson.toBytes(manifest);
        try (FileChannel out = FileChannel.open(payload.resolve(ManifestJson.FILE_NAME), StandardOpenOption.WRITE,
                StandardOpenOption.CREATE_NEW)) {
            AtomicFiles.writeFully(out, ByteBuffer.wrap(bytes));
            out.force(true);
        }
        Durable.syncFolder(payload);
    }

    /** Every name with at least one servable version, by name, with its versions and routing. */
    public List<AdapterInfo> list() throws IOException {
        List<AdapterInfo> adapters = new ArrayList<>();
        for (String name : namesOnDisk()) {
            List<AdapterManifest> versions = List.copyOf(refresh(name).values());
            if (!versions.isEmpty()) {
                adapters.add(new AdapterInfo(name, versions, routing(name)));
            }
        }
        return adapters;
    }

    /** The name's servable versions, ascending; empty for a name the store does not hold. */
    public List<AdapterManifest> versions(String name) throws IOException {
        AdapterNames.check(name);
        return List.copyOf(refresh(name).values());
    }

    /**
     * The manifest of a servable version.
     *
     * @throws AdapterNotFoundException no such name or version
     * @throws IncompatibleBaseException the version was published for another base model
     */
    public AdapterManifest resolve(String name, int version) throws IOException {
        AdapterNames.check(name);
        AdapterNames.checkVersion(name, version);
        NavigableMap<Integer, AdapterManifest> known = registry.get(name);
        AdapterManifest m = known == null ? null : known.get(version);
        if (m == null || !Files.isDirectory(versionDir(name, version), LinkOption.NOFOLLOW_LINKS)) {
            known = refresh(name);
            m = known.get(version);
        }
        if (m == null) {
            throw new AdapterNotFoundException(known.isEmpty() ? "adapter " + name + " does not exist"
                    : "adapter " + name + " has no version " + version + " (versions: " + known.keySet() + ")");
        }
        if (!m.baseFingerprint().equals(baseFingerprint)) {
            throw new IncompatibleBaseException("adapter " + m.id() + " was published for another base model"
                    + " (fingerprint " + m.baseFingerprint() + "); this store serves the base with fingerprint "
                    + baseFingerprint);
        }
        return m;
    }

    /** The folder of a servable version, for {@code PeftAdapter.load}; checked as {@link #resolve} does. */
    public Path folder(String name, int version) throws IOException {
        resolve(name, version);
        return versionDir(name, version);
    }

    /**
     * Deletes a version. Its number is never given out again.
     *
     * @throws IllegalStateException the version is what the stable side serves (the pinned stable, or the
     *     latest when none is pinned) or the canary
     */
    public void delete(String name, int version) throws IOException {
        AdapterNames.check(name);
        AdapterNames.checkVersion(name, version);
        try (StoreLock.Held held = lock.acquire()) {
            NavigableMap<Integer, AdapterManifest> known = refresh(name);
            if (!known.containsKey(version)) {
                throw new AdapterNotFoundException("adapter " + name + " has no version " + version + " to delete");
            }
            Routing routing = routingFiles.read(root.resolve(name));
            if (routing.effectiveStable(known.lastKey()) == version) {
                throw new IllegalStateException("adapter " + name + "@" + version + " is the stable version"
                        + (routing.stable() == null ? " (the latest, as no stable version is pinned)" : "")
                        + "; route stable to another version before deleting it");
            }
            if (Integer.valueOf(version).equals(routing.canary())) {
                throw new IllegalStateException("adapter " + name + "@" + version + " is the canary; roll it back"
                        + " before deleting it");
            }
            removeVersionFolder(name, versionDir(name, version));
            synchronized (registry) {
                known.remove(version);
            }
            LOG.info("deleted {}@{}", name, version);
        }
    }

    /**
     * Removes every version of a name and its routing (vLLM's unload). The name's version counter stays, so
     * a later publish under the name continues its numbering.
     */
    public void remove(String name) throws IOException {
        AdapterNames.check(name);
        try (StoreLock.Held held = lock.acquire()) {
            Path nameDir = root.resolve(name);
            NavigableMap<Integer, Path> folders = VersionFolders.list(nameDir);
            if (folders.isEmpty() && refresh(name).isEmpty()) {
                throw new AdapterNotFoundException("adapter " + name + " does not exist");
            }
            Files.deleteIfExists(nameDir.resolve(RoutingJson.FILE_NAME));
            for (Path folder : folders.values()) {
                removeVersionFolder(name, folder);
            }
            synchronized (registry) {
                registry.remove(name);
            }
            LOG.info("removed every version of {}", name);
        }
    }

    /** Renames the folder out of the name at once, then deletes it; a crash in between leaves a temp folder. */
    private void removeVersionFolder(String name, Path folder) throws IOException {
        Path trash = TempFolders.unowned(root);
        Files.move(folder, trash, StandardCopyOption.ATOMIC_MOVE);
        Durable.syncFolder(root.resolve(name));
        Durable.deleteTree(trash);
    }

    /**
     * The adapter's routing; {@link Routing#LATEST} until one is set.
     *
     * @throws AdapterNotFoundException the name has no versions
     */
    public Routing routing(String name) throws IOException {
        AdapterNames.check(name);
        NavigableMap<Integer, AdapterManifest> known = registry.get(name);
        if (known == null || known.isEmpty()) {
            known = refresh(name);
        }
        if (known.isEmpty()) {
            throw new AdapterNotFoundException("adapter " + name + " does not exist");
        }
        return routingFiles.read(root.resolve(name));
    }

    /**
     * Replaces the adapter's routing atomically ({@code routing.json} by temp file, fsync and rename).
     *
     * @throws AdapterNotFoundException the name, or a version the routing names, does not exist
     * @throws IncompatibleBaseException a version it names was published for another base
     */
    public void setRouting(String name, Routing routing) throws IOException {
        AdapterNames.check(name);
        Objects.requireNonNull(routing, "routing");
        try (StoreLock.Held held = lock.acquire()) {
            if (refresh(name).isEmpty()) {
                throw new AdapterNotFoundException("adapter " + name + " does not exist");
            }
            for (Integer version : new Integer[] {routing.stable(), routing.canary()}) {
                if (version != null) {
                    resolve(name, version);
                }
            }
            routingFiles.write(root.resolve(name), routing);
            LOG.info("routing of {} is now {}", name, routing);
        }
    }

    private Path versionDir(String name, int version) {
        return root.resolve(name).resolve(Integer.toString(version));
    }

    private List<String> namesOnDisk() throws IOException {
        Set<String> names = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path entry : entries) {
                String file = entry.getFileName().toString();
                if (file.startsWith(".")) {
                    continue; // the lock and temp folders
                }
                BasicFileAttributes attrs = Files.readAttributes(entry, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (attrs.isDirectory() && AdapterNames.isValid(file)) {
                    names.add(file);
                } else if (ignored.add(entry)) {
                    LOG.warn("{}: ignored; not an adapter name folder", entry);
                }
            }
        }
        return new ArrayList<>(names);
    }

    /**
     * Brings the name's registry in line with its folders: verifies versions seen for the first time (another
     * process may have published them), drops versions gone from disk.
     */
    private NavigableMap<Integer, AdapterManifest> refresh(String name) throws IOException {
        synchronized (registry) {
            NavigableMap<Integer, Path> onDisk = VersionFolders.list(root.resolve(name));
            NavigableMap<Integer, AdapterManifest> known = registry.computeIfAbsent(name,
                    k -> new ConcurrentSkipListMap<>());
            known.keySet().retainAll(onDisk.keySet());
            for (Map.Entry<Integer, Path> e : onDisk.entrySet()) {
                if (known.containsKey(e.getKey()) || ignored.contains(e.getValue())) {
                    continue;
                }
                try {
                    known.put(e.getKey(), VersionFolders.verify(e.getValue(), name, e.getKey()));
                } catch (ModelFormatException | NoSuchFileException ex) {
                    ignored.add(e.getValue());
                    LOG.warn("{}: ignored, not a complete version: {}", e.getValue(), ex.getMessage());
                }
            }
            if (known.isEmpty()) {
                registry.remove(name);
            }
            return known;
        }
    }

    private void recover() throws IOException {
        try (StoreLock.Held held = lock.acquire()) {
            int removed = TempFolders.removeAbandoned(root);
            if (removed > 0) {
                LOG.warn("{}: removed {} temporary folder(s) left by an interrupted publish or delete", root, removed);
            }
            for (String name : namesOnDisk()) {
                VersionFolders.removePartialWrites(root.resolve(name));
            }
        }
        int versions = 0;
        for (String name : namesOnDisk()) {
            versions += refresh(name).size();
        }
        LOG.info("adapter store {}: {} version(s) of {} adapter(s)", root, versions, registry.size());
    }
}
