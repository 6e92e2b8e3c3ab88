package dev.scion.trainer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes a round the same round: its data files' contents, its settings, its starting version and the
 * replay store it drew from. A resume continues a checkpoint only under the same key, since the checkpoint's
 * step means nothing for other data.
 */
final class RoundKey {
    private RoundKey() {}

    static String of(RoundRequest request, TrainOptions options, int startVersion, long replaySeen)
            throws IOException {
        MessageDigest digest = sha256();
        digest.update(fileDigest(request.data()).getBytes());
        digest.update((request.evalData() == null ? "-" : fileDigest(request.evalData())).getBytes());
        digest.update(options.toString().getBytes());
        digest.update(("start=" + startVersion + ";replay=" + replaySeen).getBytes());
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String fileDigest(Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
