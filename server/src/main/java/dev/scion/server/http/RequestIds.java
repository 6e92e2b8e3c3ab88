package dev.scion.server.http;

import io.vertx.ext.web.RoutingContext;
import java.security.SecureRandom;

/**
 * Every response carries {@code x-request-id}, as OpenAI's do: the client's own id when it sent a usable one (so a
 * gateway's id follows the request through), else a new {@code req_} id; the request's log line names it too.
 */
final class RequestIds {
    static final String HEADER = "x-request-id";
    private static final String KEY = "scion.requestId";
    /** A client's id longer than this, or with characters outside printable ASCII, is replaced, not echoed. */
    private static final int MAX_LENGTH = 128;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {}

    /** The first handler of every route. */
    static void assign(RoutingContext rc) {
        String given = rc.request().getHeader(HEADER);
        String id = usable(given) ? given : fresh();
        rc.put(KEY, id);
        rc.response().putHeader(HEADER, id);
        rc.next();
    }

    /** The request's id, or "-" for a request no route saw. */
    static String of(RoutingContext rc) {
        String id = rc.get(KEY);
        return id == null ? "-" : id;
    }

    static boolean usable(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        return id.chars().allMatch(c -> c > ' ' && c < 127);
    }

    static String fresh() {
        char[] out = new char[24];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return "req_" + new String(out);
    }
}
