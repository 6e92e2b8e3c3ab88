package dev.scion.server.http;

import dev.scion.server.config.HttpLimits;
import dev.scion.server.metrics.ServerMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a client may hold of the server between and around its requests: connections (at most
 * {@code --max-connections}; one beyond it is closed as soon as it is accepted), time without a request (a new
 * connection must send its first request's headers within {@code --header-timeout}; a connection with no request in
 * progress is closed after {@code --idle-timeout}), and request body bytes in memory (all requests together at most
 * {@code --max-buffered-body}, see {@link Exchange#reserve}).
 *
 * <p>Vert.x's own idle timeout is not used: it counts any connection without traffic as idle, so it would cut a
 * request whose answer takes longer to compute than the timeout. Here a connection is idle only while none of its
 * requests is in progress. Each connection's state is touched only on its event loop; the totals are atomic.
 */
final class ConnectionGuard {
    private final Vertx vertx;
    private final HttpLimits limits;
    private final ServerMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong buffered = new AtomicLong();
    private final Map<HttpConnection, Tracked> connections = new ConcurrentHashMap<>();

    ConnectionGuard(Vertx vertx, HttpLimits limits, ServerMetrics metrics) {
        this.vertx = vertx;
        this.limits = limits;
        this.metrics = metrics;
        metrics.gauge("scion.http.connections", "Open HTTP connections (at most --max-connections)", open::get);
        metrics.gauge("scion.http.buffered.body.bytes", "Request body bytes held in memory (at most --max-buffered-body)",
                buffered::get);
    }

    /** A new connection: refused beyond the limit, else watched for its first request's headers. */
    void accept(HttpConnection conn) {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            metrics.recordConnectionClosed("max_connections");
            conn.close();
            return;
        }
        Tracked tracked = new Tracked(conn);
        connections.put(conn, tracked);
        conn.closeHandler(v -> {
            open.decrementAndGet();
            connections.remove(conn);
            tracked.closed();
        });
        tracked.schedule(limits.headerTimeout().toMillis());
    }

    /**
     * A request whose headers have arrived, before it is routed. Its exchange lasts until its answer has ended or
     * its connection has closed; nothing else may set the response's end handler (RoutingContext.addEndHandler
     * would replace it, which only delays the idle timer to the next check).
     */
    void begin(HttpServerRequest request) {
        Tracked tracked = connections.get(request.connection());
        if (tracked == null) {
            return; // closed meanwhile, or refused: nothing to watch
        }
        Exchange exchange = tracked.begin(request);
        request.response().endHandler(v -> tracked.end(exchange));
    }

    /** The exchange of a request that {@link #begin} saw, or a detached one (released when its answer ends). */
    Exchange exchange(HttpServerRequest request) {
        Tracked tracked = connections.get(request.connection());
        Exchange exchange = tracked == null ? null : tracked.find(request);
        if (exchange == null) {
            exchange = new Exchange(request);
            Exchange detached = exchange;
            request.response().endHandler(v -> detached.release());
        }
        return exchange;
    }

    long bufferedBytes() {
        return buffered.get();
    }

    /** One request in progress, and the body bytes it holds against {@code --max-buffered-body}. */
    final class Exchange {
        private final HttpServerRequest request;
        private long reserved;
        private boolean released;

        private Exchange(HttpServerRequest request) {
            this.request = request;
        }

        /**
         * Holds {@code bytes} more of this request's body in memory until its answer ends; false, holding nothing,
         * when that would take all requests together beyond {@code --max-buffered-body}.
         */
        boolean reserve(long bytes) {
            if (released) {
                return false;
            }
            long total = buffered.addAndGet(bytes);
            if (total > limits.maxBufferedBody()) {
                buffered.addAndGet(-bytes);
                return false;
            }
            reserved += bytes;
            return true;
        }

        void release() {
            if (!released) {
                released = true;
                buffered.addAndGet(-reserved);
                reserved = 0;
            }
        }

        boolean inProgress() {
            return !released && !request.response().ended() && !request.response().closed();
        }
    }

    /** One connection's requests in progress and its one timer: the header deadline, then the idle timer. */
    private final class Tracked {
        private final HttpConnection conn;
        private final List<Exchange> active = new ArrayList<>(1);
        private boolean seenRequest;
        private boolean closed;
        private long idleSinceNanos = System.nanoTime();
        private long timer = -1;

        Tracked(HttpConnection conn) {
            this.conn = conn;
        }

        Exchange begin(HttpServerRequest request) {
            seenRequest = true;
            cancel();
            Exchange exchange = new Exchange(request);
            active.add(exchange);
            return exchange;
        }

        /** By the response: a router hands its handlers a wrapper of the request, around the same response. */
        Exchange find(HttpServerRequest request) {
            for (Exchange e : active) {
                if (e.request.response() == request.response()) {
                    return e;
                }
            }
            return null;
        }

        void end(Exchange exchange) {
            exchange.release();
            if (active.remove(exchange) && active.isEmpty() && !closed) {
                idleSinceNanos = System.nanoTime();
                schedule(limits.idleTimeout().toMillis());
            }
        }

        void closed() {
            closed = true;
            cancel();
            active.forEach(Exchange::release);
            active.clear();
        }

        void schedule(long delayMillis) {
            cancel();
            timer = vertx.setTimer(Math.max(1, delayMillis), id -> {
                timer = -1;
                check();
            });
        }

        private void cancel() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }

        /**
         * The timer fired: close the connection if it never sent a request, or has been idle long enough. Requests
         * whose end went unseen (an HTTP/2 stream reset) are dropped here, so that they cannot pin the connection
         * or their body bytes.
         */
        private void check() {
            if (closed) {
                return;
            }
            boolean wasBusy = !active.isEmpty();
            active.removeIf(e -> {
                if (e.inProgress()) {
                    return false;
                }
                e.release();
                return true;
            });
            long idleMillis = limits.idleTimeout().toMillis();
            if (!active.isEmpty()) {
                schedule(idleMillis); // busy: look again later, in case an end goes unseen
                return;
            }
            if (!seenRequest) {
                metrics.recordConnectionClosed("header_timeout");
                conn.close();
                return;
            }
            if (wasBusy) {
                idleSinceNanos = System.nanoTime();
            }
            long idleFor = (System.nanoTime() - idleSinceNanos) / 1_000_000;
            if (idleFor >= idleMillis) {
                metrics.recordConnectionClosed("idle_timeout");
                conn.close();
            } else {
                schedule(idleMillis - idleFor);
            }
        }
    }
}
