package dev.scion.server.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The key a request presents as {@code Authorization: Bearer KEY}, compared in constant time. */
record BearerKey(byte[] bytes) {
    private static final String PREFIX = "Bearer ";

    /** The presented key; empty when the header is missing or not a bearer token. */
    static BearerKey of(RoutingContext rc) {
        String header = rc.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return new BearerKey(new byte[0]);
        }
        return new BearerKey(header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8));
    }

    boolean present() {
        return bytes.length > 0;
    }

    /** Constant time, so response timing reveals nothing about configured keys. */
    boolean matches(String key) {
        return key != null && present() && MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), bytes);
    }

    String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
