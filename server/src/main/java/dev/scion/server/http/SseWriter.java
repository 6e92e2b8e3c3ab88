package dev.scion.server.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Server-Sent Events for one response, written in call order on the response's event loop. When
 * the socket's write queue is full the events wait here (bounded by the request's max_tokens) and
 * are flushed from the drain handler, so a slow client never blocks the engine or reorders output.
 */
final class SseWriter {
    private final HttpServerResponse response;
    private final Deque<Buffer> backlog = new ArrayDeque<>();
    private boolean ended;

    SseWriter(HttpServerResponse response) {
        this.response = response;
        response.drainHandler(v -> flush());
    }

    /** Sends the status and SSE headers; call once, before the first event. */
    void open() {
        response.setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no")
                .setChunked(true);
    }

    void event(String json) {
        write(Buffer.buffer("data: " + json + "\n\n"));
    }

    /** Writes {@code data: [DONE]} and ends the response once everything before it has gone out. */
    void done() {
        write(Buffer.buffer("data: [DONE]\n\n"));
        ended = true;
        flush();
    }

    private void write(Buffer b) {
        if (response.closed() || response.ended()) {
            return;
        }
        backlog.addLast(b);
        flush();
    }

    private void flush() {
        while (!backlog.isEmpty() && !response.writeQueueFull() && !response.closed()) {
            response.write(backlog.pollFirst());
        }
        if (ended && backlog.isEmpty() && !response.ended() && !response.closed()) {
            response.end();
        }
    }
}
