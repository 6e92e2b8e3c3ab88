package dev.scion.server.config;

import java.time.Duration;

/**
 * What the HTTP layer lets a client hold: time (idle connections, unfinished headers, unfinished bodies), sockets
 * and memory. Part of {@link ServerConfig}; each limit's default and bounds are declared in {@link ServeSettings},
 * and the rule that ties it to {@code --max-body} is checked in {@link ServerConfig}.
 *
 * @param idleTimeout a connection with no request in progress is closed after this long; a kept-alive
 *     connection's next request must have sent its headers within it
 * @param headerTimeout a new connection must have sent its first request's headers within this long, else it is
 *     closed
 * @param bodyTimeout a request body held in memory (every route but the two uploads) must have arrived whole within
 *     this long of its headers, else 408
 * @param uploadTimeout the same for the uploads streamed to disk ({@code POST /v1/adapters}, {@code POST /v1/files})
 * @param maxConnections open connections at once; one beyond it is closed as soon as it is accepted
 * @param maxBufferedBody request body bytes that all requests together may hold in memory, while they are being
 *     received and until their answer ends; a request that would go beyond it is answered 503 with Retry-After
 * @param http2 whether HTTP/2 over cleartext (h2c, by prior knowledge or by {@code Upgrade: h2c}) is served
 * @param http2MaxStreams with HTTP/2, the streams one connection may have open at once
 */
public record HttpLimits(Duration idleTimeout, Duration headerTimeout, Duration bodyTimeout, Duration uploadTimeout,
        int maxConnections, long maxBufferedBody, boolean http2, int http2MaxStreams) {

    /** Every HTTP limit at its default ({@link ServeSettings}). */
    public static HttpLimits defaults() {
        return ServerConfig.defaults().http();
    }

    @Override
    public String toString() {
        return "HttpLimits[idleTimeout=" + ConfigValues.format(idleTimeout)
                + ", headerTimeout=" + ConfigValues.format(headerTimeout)
                + ", bodyTimeout=" + ConfigValues.format(bodyTimeout)
                + ", uploadTimeout=" + ConfigValues.format(uploadTimeout)
                + ", maxConnections=" + maxConnections + ", maxBufferedBody=" + maxBufferedBody
                + ", http2=" + http2 + ", http2MaxStreams=" + http2MaxStreams + "]";
    }
}
