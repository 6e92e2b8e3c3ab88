package dev.scion.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scion.server.metrics.ServerMetrics;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's outcome: answers it (JSON, error JSON, or the end of a stream), records its
 * metrics, and writes one structured log line with status, tokens and timings.
 */
final class RequestLog {
    private static final Logger LOG = LoggerFactory.getLogger("scion.requests");

    private final ServerMetrics metrics;
    private final String route;
    private final long startNanos = System.nanoTime();
    private String model = "-";
    private long firstTokenNanos;
    private int promptTokens;
    private int completionTokens;
    private boolean recorded;

    RequestLog(ServerMetrics metrics, String route) {
        this.metrics = metrics;
        this.route = route;
    }

    void model(String model) {
        this.model = model;
    }

    void firstToken() {
        firstTokenNanos = System.nanoTime();
        metrics.recordTimeToFirstToken(model, Duration.ofNanos(firstTokenNanos - startNanos));
    }

    void interTokenLatency(Duration d) {
        metrics.recordInterTokenLatency(model, d);
    }

    void tokens(int prompt, int completion) {
        promptTokens = prompt;
        completionTokens = completion;
        metrics.recordTokens(model, prompt, completion);
    }

    void json(RoutingContext rc, int status, ObjectNode body) {
        if (!rc.response().closed() && !rc.response().ended()) {
            rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
        }
        record(rc, status);
    }

    /** Answers {@code e}: its status, error JSON and Retry-After, the one way every error reaches a client. */
    void fail(RoutingContext rc, ApiException e) {
        if (!rc.response().headWritten()) {
            if (e.retryAfterSeconds() > 0) {
                rc.response().putHeader("Retry-After", Integer.toString(e.retryAfterSeconds()));
            }
            json(rc, e.status(), e.toJson());
        } else {
            // headers (and maybe part of a stream) are out: all that is left is to close the response
            rc.response().reset();
            record(rc, e.status());
        }
    }

    void done(RoutingContext rc, int status) {
        record(rc, status);
    }

    void clientGone(RoutingContext rc) {
        record(rc, 499); // nginx's "client closed request": the client left before the answer
    }

    private void record(RoutingContext rc, int status) {
        if (recorded) {
            return;
        }
        recorded = true;
        Duration total = Duration.ofNanos(System.nanoTime() - startNanos);
        metrics.recordRequest(route, status, model, total);
        long ttftMs = firstTokenNanos == 0 ? -1 : (firstTokenNanos - startNanos) / 1_000_000;
        LOG.info("route={} status={} model={} prompt_tokens={} completion_tokens={} ttft_ms={} duration_ms={} "
                + "request_id={}", route, status, model, promptTokens, completionTokens, ttftMs, total.toMillis(),
                RequestIds.of(rc));
    }
}
