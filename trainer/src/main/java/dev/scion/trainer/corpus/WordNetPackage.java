package dev.scion.trainer.corpus;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the corpus's WordNet comes from: Debian's {@code wordnet-base} package, version {@link #VERSION}, fetched
 * with {@code apt-get download} (any reachable Debian mirror; no root needed), checked against the SHA-256
 * recorded here and unpacked with {@code dpkg-deb -x}. A pinned package digest is what makes the corpus, and so
 * the weights, reproducible: the same bytes in, the same corpus out. A {@code .deb} already at hand, or an
 * unpacked database folder, can be given instead (then the package digest is checked, or the folder used as it is).
 */
public final class WordNetPackage {
    public static final String PACKAGE = "wordnet-base";
    public static final String VERSION = "1:3.0-37";
    /** sha256 of wordnet-base_1%3a3.0-37_all.deb as Debian ships it. */
    public static final String DEB_SHA256 = "61060d960f9ada8fa120872312eccd3ecebfbab8c4579e4f5a74e1cf67620752";
    /** Inside the package: the database files. */
    public static final String DICT = "usr/share/wordnet";

    private WordNetPackage() {}

    /** Downloads the pinned package into {@code work} (unless it is there) and returns the .deb. */
    public static Path download(Path work) throws IOException {
        Files.createDirectories(work);
        Path existing = findDeb(work);
        if (existing != null) {
            return existing;
        }
        run(work, "apt-get", "download", PACKAGE + "=" + VERSION);
        Path deb = findDeb(work);
        if (deb == null) {
            throw new IOException("apt-get download " + PACKAGE + "=" + VERSION + " left no .deb in " + work);
        }
        return deb;
    }

    /** Checks the package's digest and unpacks it under {@code work}; returns the database folder. */
    public static Path extract(Path deb, Path work) throws IOException {
        String actual = WordNetCorpus.sha256(deb);
        if (!actual.equals(DEB_SHA256)) {
            throw new IOException(deb + ": sha256 " + actual + ", not the recorded " + DEB_SHA256 + " of "
                    + PACKAGE + " " + VERSION);
        }
        Path root = work.resolve("extracted");
        Files.createDirectories(work);
        run(work, "dpkg-deb", "-x", deb.toAbsolutePath().toString(), root.toString());
        Path dict = root.resolve(DICT);
        if (!Files.isRegularFile(dict.resolve("data.noun"))) {
            throw new IOException(deb + ": no " + DICT + "/data.noun inside");
        }
        return dict;
    }

    private static Path findDeb(Path work) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(work, PACKAGE + "_*.deb")) {
            for (Path p : s) {
                return p;
            }
        }
        return null;
    }

    private static void run(Path dir, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }
}
