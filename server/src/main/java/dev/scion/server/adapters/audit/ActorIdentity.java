package dev.scion.server.adapters.audit;

import dev.scion.engine.io.Durable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who acted, for the audit log, which inference-key holders may read: {@code key:} and 12 hex digits of the
 * HMAC-SHA256 of the key presented under a secret of the store, so that a guessed key cannot be checked against the
 * log (as a plain hash of it could), while one key stays one actor across restarts. The secret is made once, 32
 * random bytes in {@value #FILE} (mode 0600) in the store root, a name no adapter can have.
 */
final class ActorIdentity {
    static final String FILE = ".audit-secret";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec secret;

    private ActorIdentity(byte[] secret) {
        this.secret = new SecretKeySpec(secret, ALGORITHM);
    }

    static ActorIdentity open(Path root) throws IOException {
        Path file = root.resolve(FILE);
        if (!Files.exists(file)) {
            create(file);
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (!text.matches("[0-9a-f]{64}")) {
            throw new IOException(FILE + " in the adapter store is damaged (expected 64 hex digits); delete it to "
                    + "make a new one (actors then change)");
        }
        return new ActorIdentity(HexFormat.of().parseHex(text));
    }

    /** Written aside and renamed into place, so the file is either absent or whole. */
    private static void create(Path file) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Path aside = file.resolveSibling(FILE + ".new");
        Files.deleteIfExists(aside);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(aside, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(aside);
        }
        try (FileChannel out = FileChannel.open(aside, StandardOpenOption.WRITE)) {
            out.write(java.nio.ByteBuffer.wrap((HexFormat.of().formatHex(random) + "\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            out.force(true);
        }
        Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
        Durable.syncFolder(file.getParent());
    }

    /** The actor for a presented key; {@code anonymous} when none was presented. */
    String of(String key) {
        if (key == null || key.isEmpty()) {
            return "anonymous";
        }
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(secret);
            return "key:" + HexFormat.of().formatHex(mac.doFinal(key.getBytes(StandardCharsets.UTF_8)), 0, 6);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
