package dev.scion.engine.store;

import dev.scion.engine.lora.LoraAdapter;
import dev.scion.engine.lora.PeftAdapter;
import dev.scion.engine.lora.PeftConfig;
import dev.scion.engine.lora.RandomLora;
import dev.scion.engine.model.ModelConfig;
import dev.scion.engine.model.Projection;
import dev.scion.engine.reference.TinyModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** PEFT folders for the tiny Llama and a byte-level picture of a store folder, shared by the store tests. */
final class StoreFixtures {

    static final ModelConfig BASE = TinyModels.llamaGqa();
    static final String FINGERPRINT = AdapterStore.fingerprint(BASE);
    static final Set<Projection> Q_V = EnumSet.of(Projection.Q, Projection.V);

    private StoreFixtures() {}

    /** A seeded random adapter for {@code config} written as a PEFT folder (alpha 2r, so scaling 2). */
    static Path peftFolder(Path dir, ModelConfig config, int rank, Set<Projection> targets, long seed)
            throws IOException {
        LoraAdapter adapter = RandomLora.create("fixture", config, rank, targets, seed, 2.0);
        PeftAdapter.write(adapter, dir, PeftConfig.of(rank, 2.0 * rank, targets, "tiny-llama"));
        return dir;
    }

    static Path peftFolder(Path dir, long seed) throws IOException {
        return peftFolder(dir, BASE, 4, Q_V, seed);
    }

    static AdapterManifest publish(AdapterStore store, String name, Path folder) throws IOException {
        return store.publish(name, folder, BASE, PublishSource.UPLOAD, Map.of(), PeftAdapter.DEFAULT_MAX_RANK);
    }

    static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every entry under {@code root} (relative path) with what it is: folder, link target, or content digest. */
    static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    entries.put(rel, "link -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    entries.put(rel, "folder");
                } else {
                    entries.put(rel, "file " + Files.size(p) + " " + sha256(p));
                }
            }
        }
        return entries;
    }
}
