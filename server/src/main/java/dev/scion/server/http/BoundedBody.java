package dev.scion.server.http;

import dev.scion.server.config.ConfigValues;
import dev.scion.server.metrics.ServerMetrics;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;
import java.time.Duration;
import java.util.Locale;

/**
 * Request bodies under the HTTP limits. {@link #json} reads a body into memory (in place of Vert.x's BodyHandler):
 * at most {@code --max-body} bytes (413), whole within {@code --body-timeout} of the headers (408), and counted
 * against {@code --max-buffered-body} until the answer ends (503 with Retry-After when every byte is taken).
 * {@link #upload} goes before the BodyHandler of an upload, which streams file parts to disk: it refuses a body that
 * is not {@code multipart/form-data} before reading it (anything else would be buffered in memory) and gives the
 * upload {@code --upload-timeout} to arrive (408).
 *
 * <p>A refusal while the body is still coming closes the connection (HTTP/1.x) or resets the stream (HTTP/2) once
 * the answer is out, since the rest of the body will never be read.
 */
final class BoundedBody {
    private static final int MAX_PREALLOCATED = 64 << 10;
    private static final long HTTP2_CANCEL = 0x8;
    /**
     * A refused body of at most this many bytes (declared, or counted as a chunked body arrives) is read to its end
     * before the connection closes.
     */
    private static final long DRAIN_LIMIT = 8 << 20;
    /**
     * The same for a body refused because the server holds all the body bytes it may (503): reading megabytes to
     * drop them is the load the refusal sheds (a soak drained gigabytes a minute), so only a small form is read.
     */
    private static final long BUSY_DRAIN_LIMIT = 64 << 10;
    private static final long DRAIN_TIMEOUT_MS = 5_000;
    /** A refused body that stops arriving for this long is not waited for any more. */
    private static final long DRAIN_IDLE_MS = 1_000;

    private final Vertx vertx;
    private final ConnectionGuard guard;
    private final ServerMetrics metrics;

    BoundedBody(Vertx vertx, ConnectionGuard guard, ServerMetrics metrics) {
        this.vertx = vertx;
        this.guard = guard;
        this.metrics = metrics;
    }

    /** Reads a body of at most {@code maxBytes} into memory within {@code timeout}; then the next handler. */
    Handler<RoutingContext> json(long maxBytes, Duration timeout) {
        return rc -> new Reader(rc, maxBytes, timeout).start();
    }

    /**
     * Refuses a body that is not {@code multipart/form-data} (400 with {@code message}) and bounds the time the
     * upload may take; the BodyHandler that follows reads it.
     */
    Handler<RoutingContext> upload(Duration timeout, String message) {
        return rc -> {
            String type = rc.request().getHeader(HttpHeaders.CONTENT_TYPE);
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
                refuse(rc, ApiException.invalidRequest(message, null));
                return;
            }
            HttpServerRequest request = rc.request();
            long timer = vertx.setTimer(timeout.toMillis(), id -> {
                if (!request.isEnded() && !rc.response().ended()) {
                    metrics.recordConnectionClosed("body_timeout");
                    refuse(rc, timedOut(timeout, "--upload-timeout"));
                }
            });
            rc.addBodyEndHandler(v -> vertx.cancelTimer(timer));
            rc.next();
        };
    }

    static ApiException timedOut(Duration timeout, String option) {
        return ApiException.requestTimeout("The request body did not arrive whole within "
                + ConfigValues.format(timeout) + " (" + option + ").");
    }

    /** Answers {@code e}; if the body is still coming, closes the connection (or resets the stream) afterwards. */
    void refuse(RoutingContext rc, ApiException e) {
        HttpServerRequest request = rc.request();
        HttpServerResponse response = rc.response();
        if (!request.isEnded()) {
            boolean http2 = request.version() == HttpVersion.HTTP_2;
            if (!http2 && !response.headWritten()) {
                response.putHeader(HttpHeaders.CONNECTION, "close");
            }
            // A chunked body (length -1, as Apache HttpClient sends every multipart form) is drained too, up to
            // the limit: closing on a client still writing its first kilobyte resets its connection.
            long length = contentLength(request);
            long limit = e.retryAfterSeconds() > 0 ? BUSY_DRAIN_LIMIT : DRAIN_LIMIT; // a busy server: 503
            if (!http2 && length <= limit) {
                closeAfterDraining(rc, limit);
            } else {
                rc.addBodyEndHandler(v -> {
                    if (http2) {
                        response.reset(HTTP2_CANCEL);
                    } else {
                        request.connection().close();
                    }
                });
            }
        }
        String route = rc.currentRoute() != null && rc.currentRoute().getPath() != null
                ? rc.currentRoute().getPath() : "unmatched";
        new RequestLog(metrics, route).fail(rc, e);
    }

    /**
     * Closes the connection once the answer is written and the rest of a small body has been read and dropped: at
     * most {@code limit} bytes, {@link #DRAIN_TIMEOUT_MS} in all and {@link #DRAIN_IDLE_MS} without a byte.
     * Closing with the client's bytes still unread makes the kernel reset the connection, and a client still
     * sending its body then sees the reset instead of the answer.
     */
    private void closeAfterDraining(RoutingContext rc, long limit) {
        HttpServerRequest request = rc.request();
        new Drain(request, limit).start(rc);
    }

    /** One refused body being read to its end and dropped. Runs on the request's event loop. */
    private final class Drain {
        private final HttpServerRequest request;
        private final long limit;
        private final long deadline = System.nanoTime() + DRAIN_TIMEOUT_MS * 1_000_000;
        private int waitingFor = 2; // the answer written, the body read
        private long drained;
        private long timer = -1;
        private boolean closed;

        Drain(HttpServerRequest request, long limit) {
            this.request = request;
            this.limit = limit;
        }

        void start(RoutingContext rc) {
            rc.addBodyEndHandler(v -> oneDone());
            try {
                request.handler(this::dropped);
                request.endHandler(v -> bodyRead());
                request.exceptionHandler(t -> close());
                request.resume();
                rearm();
            } catch (IllegalStateException e) {
                waitingFor--; // the body was already consumed: only the answer is awaited
            }
        }

        private void dropped(Buffer bytes) {
            drained += bytes.length();
            if (drained > limit) {
                close();
            } else {
                rearm();
            }
        }

        /** The next close: after the idle gap, or at the deadline if that comes first. */
        private void rearm() {
            if (closed) {
                return;
            }
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            timer = vertx.setTimer(Math.min(DRAIN_IDLE_MS, left), id -> close());
        }

        /** The whole body is in: only the answer is awaited, until the deadline. */
        private void bodyRead() {
            if (!closed) {
                vertx.cancelTimer(timer);
                timer = vertx.setTimer(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), id -> close());
            }
            oneDone();
        }

        private void oneDone() {
            if (--waitingFor == 0) {
                close();
            }
        }

        private void close() {
            if (!closed) {
                closed = true;
                if (timer >= 0) {
                    vertx.cancelTimer(timer);
                }
                request.connection().close();
            }
        }
    }

    private static long contentLength(HttpServerRequest request) {
        String text = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (text == null || text.isBlank()) {
            return -1;
        }
        try {
            long n = Long.parseLong(text.strip());
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One body being read. Runs on the request's event loop. */
    private final class Reader {
        private final RoutingContext rc;
        private final HttpServerRequest request;
        private final long maxBytes;
        private final Duration timeout;
        private ConnectionGuard.Exchange exchange;
        private Buffer body;
        private long received;
        private long declared;
        private long timer = -1;
        private boolean done;

        Reader(RoutingContext rc, long maxBytes, Duration timeout) {
            this.rc = rc;
            this.request = rc.request();
            this.maxBytes = maxBytes;
            this.timeout = timeout;
        }

        void start() {
            declared = contentLength(request);
            boolean chunked = request.version() == HttpVersion.HTTP_2
                    || request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
            if (request.isEnded() || (declared <= 0 && !chunked)) {
                finish(Buffer.buffer()); // no body
                return;
            }
            if (declared > maxBytes) {
                fail(tooLarge());
                return;
            }
            exchange = guard.exchange(request);
            if (declared > 0 && !exchange.reserve(declared)) {
                fail(full());
                return;
            }
            String expect = request.getHeader(HttpHeaders.EXPECT);
            if (expect != null && expect.equalsIgnoreCase("100-continue") && request.version() != HttpVersion.HTTP_1_0) {
                rc.response().writeContinue();
            }
            body = Buffer.buffer((int) Math.min(declared > 0 ? declared : 1024, MAX_PREALLOCATED));
            timer = vertx.setTimer(timeout.toMillis(), id -> {
                timer = -1;
                if (!done) {
                    metrics.recordConnectionClosed("body_timeout");
                    fail(timedOut(timeout, "--body-timeout"));
                }
            });
            request.handler(this::chunk).endHandler(v -> end()).exceptionHandler(e -> {
                if (!done) {
                    done = true;
                    cancelTimer();
                    body = null; // the connection broke: nothing to answer
                }
            });
            request.resume();
        }

        private void chunk(Buffer chunk) {
            if (done) {
                return;
            }
            long before = received;
            received += chunk.length();
            if (received > maxBytes) {
                fail(tooLarge());
                return;
            }
            // bytes beyond what Content-Length reserved (a chunked body has none reserved) are reserved as they come
            long unreserved = received - Math.max(before, Math.max(declared, 0));
            if (unreserved > 0 && !exchange.reserve(unreserved)) {
                fail(full());
                return;
            }
            body.appendBuffer(chunk);
        }

        private void end() {
            if (done) {
                return;
            }
            cancelTimer();
            finish(body);
        }

        private void finish(Buffer buffer) {
            done = true;
            body = null;
            RoutingContextInternal internal = (RoutingContextInternal) rc;
            internal.visitHandler(RoutingContextInternal.BODY_HANDLER);
            internal.setBody(buffer);
            rc.next();
        }

        private void fail(ApiException e) {
            done = true;
            cancelTimer();
            body = null;
            refuse(rc, e);
        }

        private void cancelTimer() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }

        private ApiException tooLarge() {
            return ApiException.payloadTooLarge("The request body exceeds the server's limit of " + maxBytes
                    + " bytes (--max-body)");
        }

        private ApiException full() {
            return ApiException.busy("The server holds as many request bodies in memory as it may "
                    + "(--max-buffered-body); retry later.");
        }
    }
}
