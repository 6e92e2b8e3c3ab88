package dev.scion.server.config;

import java.time.Duration;

/**
 * What the HTTP layer lets a client hold: time (idle connections, unfinished headers, unfinished bodies), sockets
 * and memory. Part of {@link ServerConfig}; validated here on its own, while the rule that ties it to
 * {@code --max-body} is checked there.
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

    // nginx keeps idle connections 75s and AWS load balancers 60s; header and body deadlines as Apache's
    // mod_reqtimeout sets them (20s to 40s), a little tighter for the headers, which are small
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_UPLOAD_TIMEOUT = Duration.ofMinutes(15);
    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final long DEFAULT_MAX_BUFFERED_BODY = 64L << 20;
    public static final int DEFAULT_HTTP2_MAX_STREAMS = 16;

    static final Duration MIN_TIMEOUT = Duration.ofMillis(10);
    static final Duration MAX_TIMEOUT = Duration.ofDays(1);
    static final int MAX_CONNECTIONS_LIMIT = 1_000_000;
    static final long MAX_BUFFERED_LIMIT = 1L << 40;
    static final int MAX_STREAMS_LIMIT = 1000;

    public HttpLimits {
        checkTimeout("idle-timeout", idleTimeout);
        checkTimeout("header-timeout", headerTimeout);
        checkTimeout("body-timeout", bodyTimeout);
        checkTimeout("upload-timeout", uploadTimeout);
        if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS_LIMIT) {
            throw ConfigException.invalid("max-connections", "must be between 1 and " + MAX_CONNECTIONS_LIMIT
                    + ", got " + maxConnections);
        }
        if (maxBufferedBody < (1L << 10) || maxBufferedBody > MAX_BUFFERED_LIMIT) {
            throw ConfigException.invalid("max-buffered-body", "must be between 1k and 1024g bytes, got "
                    + maxBufferedBody);
        }
        if (http2MaxStreams < 1 || http2MaxStreams > MAX_STREAMS_LIMIT) {
            throw ConfigException.invalid("http2-max-streams", "must be between 1 and " + MAX_STREAMS_LIMIT
                    + ", got " + http2MaxStreams);
        }
    }

    public static HttpLimits defaults() {
        return new HttpLimits(DEFAULT_IDLE_TIMEOUT, DEFAULT_HEADER_TIMEOUT, DEFAULT_BODY_TIMEOUT, DEFAULT_UPLOAD_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_BUFFERED_BODY, false, DEFAULT_HTTP2_MAX_STREAMS);
    }

    private static void checkTimeout(String option, Duration d) {
        if (d == null || d.compareTo(MIN_TIMEOUT) < 0 || d.compareTo(MAX_TIMEOUT) > 0) {
            throw ConfigException.invalid(option, "must be between 10ms and 1 day, got "
                    + (d == null ? "nothing" : ConfigValues.format(d)));
        }
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
